"""RowList, the lists' light table: cursor, keys, mouse, drawing and what a focus change redraws."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input

import localstack_tui.ui
from localstack_tui.ui.widgets.row_list import RowList

APP_CSS = Path(localstack_tui.ui.__file__).parent / "app.tcss"


class ListApp(App[None]):
    CSS_PATH = APP_CSS  # RowList's look lives in the app's stylesheet
    AUTO_FOCUS = "Input"
    CSS = "RowList { height: 12; } Input { height: 3; }"  # 11 rows under the header

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = [(f"key-{i:04d}", (f"name-{i:04d}", Text(str(i), style="dim"))) for i in range(rows)]
        self.events: list[tuple[str, int, str]] = []

    def compose(self) -> ComposeResult:
        yield RowList([("Name", None), ("Count", 5)])
        yield Input()

    def on_mount(self) -> None:
        self.query_one(RowList).set_rows(self.rows)

    def on_row_list_row_highlighted(self, message: RowList.RowHighlighted) -> None:
        self.events.append(("highlighted", message.cursor_row, message.row_key))

    def on_row_list_row_selected(self, message: RowList.RowSelected) -> None:
        self.events.append(("selected", message.cursor_row, message.row_key))


def line(rows: RowList, y: int) -> str:
    return rows.render_line(y).text


async def test_keys_move_the_cursor_and_keep_it_in_sight_under_the_header() -> None:
    app = ListApp(1000)
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        rows.focus()
        await pilot.pause()
        assert line(rows, 0).split() == ["Name", "Count"]
        assert line(rows, 1).split() == ["name-0000", "0"]
        await pilot.press("end")
        assert rows.cursor_row == 999
        assert line(rows, 0).split() == ["Name", "Count"]  # the header stays
        assert line(rows, 11).split() == ["name-0999", "999"]  # the last row, on the last line
        await pilot.press("pageup")
        assert rows.cursor_row == 999 - 11
        await pilot.press("home", "down", "down")
        assert rows.cursor_row == 2 and rows.scroll_y == 0
        await pilot.press("pagedown")
        assert rows.cursor_row == 13
        assert line(rows, 11).split() == ["name-0013", "13"]
        await pilot.press("up")
        assert rows.cursor_row == 12
        await pilot.press("enter")
        assert app.events[-1] == ("selected", 12, "key-0012")
        assert ("highlighted", 999, "key-0999") in app.events


async def test_a_click_opens_the_row_under_it_and_not_the_header() -> None:
    app = ListApp(30)
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        await pilot.click(RowList, offset=(3, 0))
        assert not [event for event in app.events if event[0] == "selected"]
        await pilot.click(RowList, offset=(3, 4))  # the header, then rows 0, 1, 2, 3
        assert rows.cursor_row == 3
        assert app.events[-1] == ("selected", 3, "key-0003")


async def test_new_rows_keep_the_cursor_on_its_key() -> None:
    app = ListApp(50)
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        rows.move_cursor(20)
        await pilot.pause()
        app.events.clear()
        reordered = list(reversed(app.rows))
        rows.set_rows(reordered, cursor_key="key-0020")
        await pilot.pause()
        assert rows.key_at(rows.cursor_row) == "key-0020" and rows.cursor_row == 29
        assert app.events == []  # the same row under the cursor: nothing to tell
        rows.set_rows(reordered[:5], cursor_key="key-0020")  # gone (a filter): the cursor stays in range
        await pilot.pause()
        assert rows.cursor_row == 4 and app.events == [("highlighted", 4, "key-0045")]
        rows.set_rows([])
        await pilot.pause()
        assert rows.row_count == 0 and rows.key_at(rows.cursor_row) is None
        await pilot.press("down", "enter")  # nothing to move to or open
        assert [event for event in app.events if event[0] == "selected"] == []


async def test_a_narrow_column_ends_its_text_with_an_ellipsis() -> None:
    app = ListApp(0)
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        rows.set_rows([("k", ("short", Text("123456789", style="dim")))])
        await pilot.pause()
        assert line(rows, 1).split() == ["short", "1234…"]


async def test_a_focus_change_redraws_the_cursor_line_only() -> None:
    """What made Tab slow with DataTable: every visible row rendered again when the focus moved."""
    app = ListApp(1000)
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        app.query_one(Input).focus()
        await pilot.pause()  # drawn once, without the focus
        built: list[Any] = []
        original = rows._strip

        def counting(key: str | None, cells: Any, style: Any) -> Any:
            if rows._strips.get((key, tuple(rows._widths), style)) is None:
                built.append(key)
            return original(key, cells, style)

        rows._strip = counting  # type: ignore[method-assign]
        rows.focus()
        await pilot.pause()
        assert built == ["key-0000"], "only the cursor row changes its look with the focus"
        built.clear()
        app.query_one(Input).focus()
        await pilot.pause()
        rows.focus()
        await pilot.pause()
        assert built == [], "and both its looks are kept"
