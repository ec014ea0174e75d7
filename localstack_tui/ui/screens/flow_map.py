"""The event-flow map, full screen: every bucket, queue, function and DLQ, and how events travel.

The map itself is the FlowView widget (also a pane of the main screen); this
screen hosts it and, for Enter or a wizard key, hands over to the main screen.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from localstack_tui.core.connection import AwsClients
from localstack_tui.ui.widgets.flow_view import FlowView, sparkline
from localstack_tui.ui.widgets.key_footer import KeyFooter

__all__ = ["FlowMapScreen", "sparkline"]


class FlowMapScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Back", id="map.close")]

    def __init__(self, clients: AwsClients, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clients = clients

    def compose(self) -> ComposeResult:
        view = FlowView(self.clients, id="map-body", classes="pane")
        view.focus_on_mount = True
        yield view
        yield KeyFooter()

    @property
    def view(self) -> FlowView:
        return self.query_one(FlowView)

    def action_close(self) -> None:
        if not self.view.close_filter():
            self.dismiss(None)

    def _main(self) -> Any:
        return self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None

    @on(FlowView.Open)
    def _open(self, message: FlowView.Open) -> None:
        main = self._main()
        self.dismiss(None)
        if main is not None and hasattr(main, "open_named"):
            main.open_named(message.kind, message.name)

    @on(FlowView.WizardFor)
    def _wizard(self, message: FlowView.WizardFor) -> None:
        main = self._main()
        if main is None or not hasattr(main, "open_wizard_for"):
            return
        self.dismiss(None)
        main.open_wizard_for(message.wizard, message.kind, message.name)
