"""A light table for the resource lists: one line per row, drawn from cached strips.

Textual's DataTable renders cell by cell through Rich and clears its caches on
every style change, a focus change included: with 1,000 rows, Tab between two
lists re-rendered both tables (~30 ms). Here a row is one strip made once per
look (its cells, column widths and the style of its line) and reused: a focus
change builds one line again, the cursor's; a page down builds the page shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = str | Text

PADDING = 1  # blank cells either side of a column's text, as DataTable draws them


class RowList(ScrollView, can_focus=True):
    """Rows with a key each, a header line that stays, and a row cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--header",
        "row-list--even-row",
        "row-list--cursor",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="rows.up"),
        Binding("down", "cursor_down", "Down", show=False, id="rows.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="rows.page_down"),
        Binding("home", "first", "First", show=False, id="rows.first"),
        Binding("end", "last", "Last", show=False, id="rows.last"),
        Binding("enter", "select", "Open", show=False, id="rows.open"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=False, init=False)

    class _RowMessage(Message):
        def __init__(self, row_list: RowList, cursor_row: int, row_key: str) -> None:
            super().__init__()
            self.row_list = row_list
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> RowList:
            return self.row_list

    class RowHighlighted(_RowMessage):
        """The cursor is on another row."""

    class RowSelected(_RowMessage):
        """A row was opened: Enter, or a click."""

    def __init__(self, columns: Sequence[tuple[str, int | None]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._labels = [label for label, _ in columns]
        self._fixed = [width for _, width in columns]
        self._keys: list[str] = []
        self._rows: list[Sequence[Cell]] = []
        self._widths = [width or len(label) for label, width in columns]
        self._strips: LRUCache[tuple[object, ...], tuple[Sequence[Cell], Strip]] = LRUCache(1024)

    # -- rows ------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._keys)

    def get_row_at(self, index: int) -> Sequence[Cell]:
        return self._rows[index]

    def key_at(self, index: int) -> str | None:
        return self._keys[index] if 0 <= index < len(self._keys) else None

    def set_rows(self, rows: Sequence[tuple[str, Sequence[Cell]]], cursor_key: str | None = None) -> None:
        """Show these rows; the cursor stays on `cursor_key` when it is still there (else on its index)."""
        before = self.key_at(self.cursor_row)
        self._keys = [key for key, _ in rows]
        self._rows = [cells for _, cells in rows]
        self._widths = self._measure()
        self.virtual_size = Size(self._line_width(), len(self._keys) + 1)  # + the header line
        target = self._keys.index(cursor_key) if cursor_key in self._keys else self.cursor_row
        row = self._clamp(target)
        self.set_reactive(RowList.cursor_row, row)
        self._scroll_to_cursor()
        self.refresh()
        now = self.key_at(row)
        if now is not None and now != before:
            self.post_message(self.RowHighlighted(self, row, now))

    def move_cursor(self, row: int) -> None:
        self.cursor_row = self._clamp(row)

    def _clamp(self, row: int) -> int:
        return max(0, min(row, len(self._keys) - 1))

    def _measure(self) -> list[int]:
        widths = []
        for column, (label, fixed) in enumerate(zip(self._labels, self._fixed, strict=True)):
            if fixed is not None:
                widths.append(fixed)
                continue
            widest = len(label)
            for cells in self._rows:
                cell = cells[column]
                widest = max(widest, cell.cell_len if isinstance(cell, Text) else len(cell))
            widths.append(widest)
        return widths

    def _line_width(self) -> int:
        return sum(width + 2 * PADDING for width in self._widths)

    # -- the cursor --------------------------------------------------------------------------
    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._scroll_to_cursor()
        key = self.key_at(new)
        if key is not None:
            self.post_message(self.RowHighlighted(self, new, key))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        """Keep the cursor's row in sight, under the header."""
        if not self._keys or not self.size.height:
            return
        top, shown = int(self.scroll_y), self._page()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + shown:
            self.scroll_to(y=self.cursor_row - shown + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._keys) - 1)

    def action_select(self) -> None:
        key = self.key_at(self.cursor_row)
        if key is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, key))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:  # the header
            return
        row = int(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self._keys):
            self.move_cursor(row)
            self.action_select()

    # -- drawing -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        scroll_x = int(self.scroll_x)
        if y == 0:
            header = self.get_component_rich_style("row-list--header")
            return self._strip(None, self._labels, header).crop_extend(scroll_x, scroll_x + width, header)
        row = int(self.scroll_y) + y - 1
        if not 0 <= row < len(self._keys):
            return Strip.blank(width, base)
        if row == self.cursor_row:
            style = self.get_component_rich_style("row-list--cursor")
        elif row % 2:
            style = self.get_component_rich_style("row-list--even-row")
        else:
            style = base
        # The row's look runs the pane's whole width: the cursor is a bar, not a box around the text.
        return self._strip(self._keys[row], self._rows[row], style).crop_extend(scroll_x, scroll_x + width, style)

    def _strip(self, key: str | None, cells: Sequence[Cell], style: Style) -> Strip:
        """One row's line in one look, made once: its cells padded to the columns, on `style`."""
        cache_key = (key, tuple(self._widths), style)
        cached = self._strips.get(cache_key)
        if cached is not None and cached[0] is cells:  # the owner makes a row's cells once per change
            return cached[1]
        line = Text(no_wrap=True, end="")
        pad = " " * PADDING
        for cell, width in zip(cells, self._widths, strict=True):
            text = cell.copy() if isinstance(cell, Text) else Text(cell)
            text.truncate(width, overflow="ellipsis", pad=True)
            line.append(pad)
            line.append_text(text)
            line.append(pad)
        strip = Strip(list(line.render(self.app.console)), line.cell_len).apply_style(style)
        self._strips[cache_key] = (cells, strip)
        return strip
