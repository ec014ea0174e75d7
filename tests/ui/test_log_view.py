"""The log view on its own: a bounded ring, drawn row by row, the user's place kept, requests marked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult

from localstack_tui.core.logs import LogEvent
from localstack_tui.ui.widgets.log_view import LogLine, LogView, colour_of, line_text

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def event(n: int, message: str | None = None, request: str | None = None, kind: str = "message") -> LogEvent:
    return LogEvent(
        timestamp=T0 + timedelta(milliseconds=n),
        ingestion_time=None,
        stream="s",
        message=message if message is not None else f"line {n}",
        event_id=str(n),
        request_id=request,
        kind=kind,  # type: ignore[arg-type]
    )


class ViewApp(App[None]):
    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def compose(self) -> ComposeResult:
        yield LogView(self.capacity)


def test_lines_of_one_request_share_a_mark_and_search_is_highlighted() -> None:
    start = line_text(LogLine(0, "f", event(0, "START RequestId: r1", "r1", "start")), True, False)
    printed = line_text(LogLine(1, "f", event(1, "hello", "r1")), True, False)
    other = line_text(LogLine(2, "f", event(2, "hello", "r2")), True, False)
    mark = [text.spans[0].style for text in (start, printed, other)]
    assert mark[0] == mark[1] == colour_of("r1") and mark[2] == colour_of("r2")
    found = line_text(LogLine(1, "f", event(1, "say hello twice: hello")), False, False, search=re.compile("hello"))
    assert sum(1 for span in found.spans if span.style == "black on yellow") == 2


async def test_the_ring_is_bounded_and_the_place_is_kept() -> None:
    app = ViewApp(capacity=1_000)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(LogView)
        view.add("f", [event(n) for n in range(1_500)])
        await pilot.pause()
        assert len(view.ring) == 1_000 and len(view.shown) == 1_000
        assert view.lines_text()[0].endswith("line 500")
        assert view.scroll_offset.y == view.max_scroll_y, "following the newest line"
        view.scroll_to(y=400, animate=False, immediate=True)
        await pilot.pause()
        top = view.shown[view.scroll_offset.y]
        view.add("f", [event(n) for n in range(1_500, 1_600)])  # 100 old lines leave the ring
        await pilot.pause()
        assert view.shown[view.scroll_offset.y] == top, "the same line stays at the top"
        view.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        view.add("f", [event(1_600)])
        await pilot.pause()
        assert view.scroll_offset.y == view.max_scroll_y, "at the bottom, it follows again"


async def test_only_rows_on_screen_are_drawn() -> None:
    app = ViewApp(capacity=100_000)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(LogView)
        view.add("f", [event(n) for n in range(100_000)])
        await pilot.pause()
        assert len(view._cache) <= 40, "a screenful, not the ring"
        await pilot.press("home")
        await pilot.pause()
        assert view.scroll_offset.y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert 0 < view.scroll_offset.y < 40 and len(view._cache) <= 80


async def test_filter_and_freeze() -> None:
    from localstack_tui.core.log_filter import compile_pattern

    app = ViewApp(capacity=100)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(LogView)
        view.add("f", [event(n, "odd" if n % 2 else "even") for n in range(10)])
        view.pattern = compile_pattern("odd")
        view.rebuild()
        assert len(view.shown) == 5
        view.frozen = True
        view.add("f", [event(11, "odd")])
        assert len(view.shown) == 5 and len(view.ring) == 11
        view.frozen = False
        view.rebuild()
        assert len(view.shown) == 6
        await pilot.pause()
