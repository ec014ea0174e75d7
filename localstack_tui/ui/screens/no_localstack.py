"""What lstui shows when nothing answers at the endpoint: start the embedded one, retry, or edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static


@dataclass(frozen=True)
class Choice:
    """What the user chose: "start" (keep: leave it running after lstui), "retry" or "endpoint"."""

    action: str
    endpoint: str = ""
    keep: bool = False


class NoLocalStackScreen(Screen[Choice]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start embedded LocalStack", id="nols.start"),
        Binding("r", "retry", "Retry", id="nols.retry"),
        Binding("e", "edit", "Edit endpoint", id="nols.edit"),
    ]

    def __init__(self, endpoint: str, reason: str, can_start: str | None) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.reason = reason
        self.can_start = can_start  # None when the embedded server can run, else why not

    def compose(self) -> ComposeResult:
        with Vertical(id="nols-box", classes="modal-box"):
            yield Label("No LocalStack here", classes="modal-title")
            yield Static(f"{self.reason}\n", id="nols-reason")
            if self.can_start is None:
                yield Static(
                    "lstui can run LocalStack itself, on this machine, no Docker needed "
                    "(the same as [b]lstui server[/b] in another terminal).",
                )
            else:
                yield Static(f"[yellow]The embedded LocalStack cannot start here: {self.can_start}[/]")
            yield Checkbox("keep it running after lstui exits", id="nols-keep")
            with Horizontal(classes="buttons"):
                yield Button(
                    "Start embedded LocalStack (s)", variant="primary", id="start", disabled=self.can_start is not None
                )
                yield Button("Retry (r)", id="retry")
                yield Button("Edit endpoint (e)", id="edit")
            yield Input(value=self.endpoint, placeholder="http://localhost:4566", id="nols-endpoint")
            yield Static("", id="nols-progress")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#nols-endpoint", Input).display = False
        self.query_one("#start" if self.can_start is None else "#retry", Button).focus()

    def set_progress(self, text: str) -> None:
        self.query_one("#nols-progress", Static).update(text)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        {"start": self.action_start, "retry": self.action_retry, "edit": self.action_edit}[event.button.id or "retry"]()

    def action_start(self) -> None:
        if self.can_start is None:
            self.dismiss(Choice("start", self.endpoint, keep=self.query_one("#nols-keep", Checkbox).value))

    def action_retry(self) -> None:
        self.dismiss(Choice("retry", self.endpoint))

    def action_edit(self) -> None:
        box = self.query_one("#nols-endpoint", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#nols-endpoint")
    def _endpoint(self, event: Input.Submitted) -> None:
        self.dismiss(Choice("endpoint", event.value.strip() or self.endpoint))


class StartingScreen(Screen[None]):
    """Shown while the embedded LocalStack starts."""

    def __init__(self, endpoint: str, log_path: object) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.log_path = log_path

    def compose(self) -> ComposeResult:
        from textual.widgets import LoadingIndicator

        with Vertical(classes="modal-box", id="starting-box"):
            yield Label(f"Starting LocalStack at {self.endpoint}…", classes="modal-title")
            yield LoadingIndicator()
            yield Static(f"[dim]LocalStack's log: {self.log_path}[/]")
