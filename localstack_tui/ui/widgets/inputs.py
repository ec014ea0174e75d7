"""Helpers for the text boxes the panes open on a key (filter, search, only-connected-to)."""

from __future__ import annotations

from textual.widgets import Input


def open_box(box: Input) -> None:
    """Show a hidden box and give it the focus now, not after the queued events.

    `Widget.focus()` moves the focus only once the events already queued are handled: the
    keys typed right after the one that opened the box would still go to the old widget.
    """
    box.display = True
    box.screen.set_focus(box)
