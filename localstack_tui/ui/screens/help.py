"""`?`: every key that works, where, and where the config file is."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

GENERAL = [
    ("tab / shift+tab", "move between panes"),
    ("↑ ↓ ← →, page up/down", "move in a list, table or tree"),
    ("enter", "open the highlighted resource; expand a prefix"),
    ("escape", "back to the list; close a dialog; clear a filter"),
    ("ctrl+p", "command palette: every action, and jump to any bucket, queue or function"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str, str]]]], config_path: str) -> None:
        super().__init__()
        self.sections = sections
        self.config_path = config_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="help-box"):
            yield Label("Keys", classes="modal-title")
            with VerticalScroll():
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold cyan", no_wrap=True)
                table.add_column()
                table.add_column(style="dim")
                for keys, what in GENERAL:
                    table.add_row(keys, what, "")
                for title, rows in self.sections:
                    table.add_row("", "", "")
                    table.add_row(Text(title, style="bold"), "", "binding id")
                    for key, description, binding_id in rows:
                        table.add_row(key, description, binding_id)
                yield Static(table)
                yield Static(
                    f"\nRemap a key in [b]{self.config_path}[/b]:\n"
                    '  \\[keymap]\n  "main.refresh" = "f5"\n'
                    "(LSTUI_CONFIG points lstui at another file.)"
                )
            yield Label("[dim]Escape to close[/]")

    def action_close(self) -> None:
        self.dismiss(None)
