"""Ask which source file or directory a function is built from (for watching)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from localstack_tui.ui.wizards.base import PathSuggester


class SourcePrompt(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, function: str, initial: str = "") -> None:
        super().__init__()
        self.function = function
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(f"Watch the source of {self.function}", classes="modal-title")
            yield Label("Its file or directory; every save is deployed (Enter to start, Escape to cancel):")
            yield Input(self.initial, placeholder="./lambda_function.py", id="source-path", suggester=PathSuggester())
            yield Label("", id="source-error", classes="wizard-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip() or not path.exists():
            self.query_one("#source-error", Label).update(f"[red]✗ no such file or directory: {event.value}[/]")
            return
        self.dismiss(str(path.resolve()))

    def action_cancel(self) -> None:
        self.dismiss(None)
