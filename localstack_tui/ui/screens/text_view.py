"""A modal showing a block of text (raw JSON, a message body), closed with Escape."""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class TextViewScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="view.close"),
    ]

    def __init__(self, title: str, text: str, language: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._language = language

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(self._title, classes="modal-title")
            body = (
                Syntax(self._text, self._language, theme="ansi_dark", word_wrap=True)
                if self._language
                else Text(self._text)
            )
            with VerticalScroll(id="text-view"):
                yield Static(body)
            yield Label("[dim]Escape to close[/]")

    def action_close(self) -> None:
        self.dismiss(None)
