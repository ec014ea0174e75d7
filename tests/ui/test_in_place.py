"""update_in_place: a Static's new content, the screen laid out again only when its height changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widgets import Label, Static

from localstack_tui.ui.widgets.in_place import update_in_place


class Two(App[None]):
    CSS = "#top { height: auto; } #fixed { height: 3; } #below { height: 1; }"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("one\ntwo", id="top")
            yield Static("fixed", id="fixed")
            yield Static("below", id="below")
            yield Label("short", id="label")


async def layouts(app: App[None], pilot: Pilot[None]) -> list[int]:
    """Counts the screen's layouts from now on (once the start-up's are done)."""
    await pilot.pause()
    count = [0]
    screen = app.screen
    original = screen._refresh_layout

    def counted(*args: object, **kwargs: object) -> None:
        count[0] += 1
        original(*args, **kwargs)  # type: ignore[arg-type]

    screen._refresh_layout = counted  # type: ignore[method-assign]
    return count


async def test_same_height_no_layout_and_the_new_text_is_shown() -> None:
    app = Two()
    async with app.run_test(size=(40, 10)) as pilot:
        top = app.query_one("#top", Static)
        count = await layouts(app, pilot)
        update_in_place(top, "three\nfour")
        await pilot.pause()
        assert count[0] == 0, "the same two lines: no layout"
        assert "three" in str(top.render()) and app.query_one("#below").region.y == 5


async def test_a_new_height_lays_the_screen_out_again() -> None:
    app = Two()
    async with app.run_test(size=(40, 10)) as pilot:
        top = app.query_one("#top", Static)
        count = await layouts(app, pilot)
        update_in_place(top, "a\nb\nc\nd")
        await pilot.pause()
        assert count[0] >= 1
        assert top.region.height == 4 and app.query_one("#fixed").region.y == 4, "what follows moved down"
        update_in_place(top, "a")
        await pilot.pause()
        assert top.region.height == 1 and app.query_one("#fixed").region.y == 1, "and up again"


async def test_a_long_line_wrapping_to_more_lines_is_a_new_height() -> None:
    app = Two()
    async with app.run_test(size=(40, 10)) as pilot:
        top = app.query_one("#top", Static)
        update_in_place(top, "x " * 30)  # one line of text, two lines on a 40-cell screen
        await pilot.pause()
        assert top.region.height == 2
        update_in_place(top, "y " * 50)
        await pilot.pause()
        assert top.region.height == 3


async def test_a_fixed_height_never_moves_anything() -> None:
    app = Two()
    async with app.run_test(size=(40, 10)) as pilot:
        fixed = app.query_one("#fixed", Static)
        count = await layouts(app, pilot)
        update_in_place(fixed, "1\n2\n3\n4\n5")
        await pilot.pause()
        assert count[0] == 0 and fixed.region.height == 3


async def test_hidden_then_shown_takes_its_new_height() -> None:
    app = Two()
    async with app.run_test(size=(40, 10)) as pilot:
        top = app.query_one("#top", Static)
        top.display = False
        await pilot.pause()
        update_in_place(top, "a\nb\nc")
        top.display = True
        await pilot.pause()
        assert top.region.height == 3


async def test_a_label_as_wide_as_its_text_takes_its_new_width() -> None:
    """A Label is `width: auto`: a longer text is a new size, not a cropped one."""
    app = Two()
    async with app.run_test(size=(40, 10)) as pilot:
        label = app.query_one("#label", Label)
        update_in_place(label, "a much longer text")
        await pilot.pause()
        assert label.region.width == len("a much longer text")
        count = await layouts(app, pilot)
        update_in_place(label, "the same length...")
        await pilot.pause()
        assert count[0] == 0 and label.region.width == len("the same length...")
        update_in_place(label, "ab")  # one line as before, narrower
        await pilot.pause()
        assert label.region.width == 2
