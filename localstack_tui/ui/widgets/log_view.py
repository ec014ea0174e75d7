"""A virtual view of log lines: the ring holds up to 100,000, only the rows on screen are drawn.

Each line carries a sequence number; the view keeps the numbers of the lines that
match the filter, so filtering, scrolling and searching never copy the lines, and
a line that falls out of the ring simply drops out of the view (the user's place
kept). Rendered rows are cached, so scrolling redraws only rows not drawn before.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from localstack_tui.core.log_filter import MATCH_ALL, LogPattern
from localstack_tui.core.logs import LogEvent

RING_LINES = 100_000
CACHED_ROWS = 4_000
WIDEST = 1_000  # cells: longer lines are cut (the horizontal scroll stops there)
# One colour per request, cycling: the lines of one invocation share their gutter mark.
REQUEST_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "bright_magenta", "bright_cyan", "bright_green")
FUNCTION_WIDTH = 24


@dataclass(frozen=True)
class LogLine:
    seq: int
    function: str
    event: LogEvent


def colour_of(key: str) -> str:
    return REQUEST_COLOURS[sum(key.encode()) % len(REQUEST_COLOURS)]


def line_text(line: LogLine, timestamps: bool, functions: bool, search: re.Pattern[str] | None = None) -> Text:
    """One log line as the pane shows it: request mark, [function], [time], message."""
    event = line.event
    text = Text()
    text.append("▌", style=colour_of(event.request_id) if event.request_id else "dim")
    text.append(" ")
    if functions:
        text.append(line.function[:FUNCTION_WIDTH].ljust(FUNCTION_WIDTH) + " ", style=colour_of(line.function))
    if timestamps:
        text.append(event.timestamp.strftime("%H:%M:%S.%f")[:-3] + "  ", style="dim")
    start = len(text)
    if event.kind in ("start", "end", "report"):
        text.append(event.message, style="dim")
    elif event.kind == "error":
        text.append(event.message, style="bold red")
    else:
        text.append(event.message)
    if search is not None:
        for match in search.finditer(event.message):
            if match.end() > match.start():
                text.stylize("black on yellow", start + match.start(), start + match.end())
    text.truncate(WIDEST)
    return text


class LogView(ScrollView, can_focus=True):
    """The log lines, drawn row by row from the ring (Textual's line API)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Up", show=False),
        Binding("down", "scroll_down", "Down", show=False),
        Binding("left", "scroll_left", "Left", show=False),
        Binding("right", "scroll_right", "Right", show=False),
        Binding("home", "scroll_home", "Oldest", show=False),
        Binding("end", "scroll_end", "Newest", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def __init__(self, capacity: int = RING_LINES, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ring: deque[LogLine] = deque(maxlen=capacity)
        self.shown: deque[int] = deque()  # the seq of each line in view, oldest first
        self.pattern: LogPattern = MATCH_ALL
        self.timestamps = True
        self.functions = False
        self.frozen = False  # paused: lines go on arriving into the ring, the view stays
        self.search: re.Pattern[str] | None = None
        self.current_match: int | None = None  # seq of the match the search moved to
        self.placeholder = ""
        self.following = True  # at the newest line: new lines scroll the view; scrolling up stops that
        self._next_seq = 0
        self._widest = 0
        self._cache: OrderedDict[int, Strip] = OrderedDict()

    # -- content -----------------------------------------------------------------------------------
    @property
    def first_seq(self) -> int:
        return self.ring[0].seq if self.ring else self._next_seq

    def clear(self, placeholder: str = "") -> None:
        self.ring.clear()
        self.shown.clear()
        self._cache.clear()
        self._widest = 0
        self.current_match = None
        self.placeholder = placeholder
        self._resize()
        self.following = True
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def add(self, function: str, events: list[LogEvent]) -> None:
        """New lines, oldest first: into the ring, and into view if they match and the view is live."""
        if not events:
            return
        first_shown = self.shown[0] if self.shown else None
        for event in events:
            line = LogLine(self._next_seq, function, event)
            self._next_seq += 1
            self.ring.append(line)
            if not self.frozen and self.pattern.matches(event.message):
                self.shown.append(line.seq)
                self._widen(line)
        dropped = self._drop_gone()
        self._resize()
        if self.following and not self.frozen:
            self._to_newest()
        elif dropped and first_shown is not None:
            # Lines left the ring above the user's place: keep the same lines on screen.
            self.scroll_to(y=max(0, self.scroll_offset.y - dropped), animate=False, immediate=True)
        self.refresh()

    def _to_newest(self) -> None:
        # After the refresh: the scroll bar (and so the scroll range) follows the new size then.
        self.following = True
        self.scroll_end(animate=False, immediate=False, x_axis=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(new_value) < round(old_value):
            self.following = False  # the user went up to read
        elif round(new_value) >= self.max_scroll_y:
            self.following = True

    # Jumps, not animations: an animated jump over 100,000 lines would draw the rows in between.
    def action_scroll_end(self) -> None:
        self._to_newest()

    def action_scroll_home(self) -> None:
        self.following = False
        self.scroll_home(animate=False, x_axis=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def _drop_gone(self) -> int:
        first, dropped = self.first_seq, 0
        while self.shown and self.shown[0] < first:
            self.shown.popleft()
            dropped += 1
        return dropped

    def _widen(self, line: LogLine) -> None:
        extra = 2 + (FUNCTION_WIDTH + 1 if self.functions else 0) + (14 if self.timestamps else 0)
        self._widest = min(WIDEST, max(self._widest, extra + len(line.event.message)))

    def _resize(self) -> None:
        self.virtual_size = Size(self._widest, len(self.shown))

    def rebuild(self) -> None:
        """Show the ring again through the current filter and settings."""
        self._cache.clear()
        self._widest = 0
        self.shown = deque(line.seq for line in self.ring if self.pattern.matches(line.event.message))
        for line in self.ring:
            self._widen(line)
        self._resize()
        self._to_newest()
        self.refresh()

    def line(self, seq: int) -> LogLine:
        return self.ring[seq - self.first_seq]

    def lines_text(self) -> list[str]:
        """The lines in view as plain text (for tests and copying)."""
        return [self._text(self.line(seq)).plain for seq in self.shown]

    # -- search ------------------------------------------------------------------------------------
    def set_search(self, text: str) -> None:
        self.search = re.compile(re.escape(text), re.IGNORECASE) if text else None
        self.current_match = None
        self._cache.clear()
        self.refresh()

    def find(self, forward: bool = True) -> bool:
        """Move to the next (or previous) line that matches the search; False when there is none."""
        if self.search is None or not self.shown:
            return False
        count = len(self.shown)
        if self.current_match is not None and self.current_match >= self.first_seq:
            start = self._index_of(self.current_match)
        else:
            top = self.scroll_offset.y
            start = top - 1 if forward else top + self.scrollable_content_region.height
        step = 1 if forward else -1
        index = start
        for _ in range(count):
            index = (index + step) % count
            if self.search.search(self.line(self.shown[index]).event.message):
                previous, self.current_match = self.current_match, self.shown[index]
                for seq in (previous, self.current_match):
                    if seq is not None:
                        self._cache.pop(seq, None)
                height = self.scrollable_content_region.height
                self.scroll_to(y=max(0, index - height // 2), animate=False, immediate=True)
                self.refresh()
                return True
        return False

    def _index_of(self, seq: int) -> int:
        # `shown` is sorted: a binary search over the deque.
        low, high = 0, len(self.shown)
        while low < high:
            middle = (low + high) // 2
            if self.shown[middle] < seq:
                low = middle + 1
            else:
                high = middle
        return low

    # -- drawing -----------------------------------------------------------------------------------
    def _text(self, line: LogLine) -> Text:
        return line_text(line, self.timestamps, self.functions, self.search)

    def _strip(self, seq: int) -> Strip:
        strip = self._cache.get(seq)
        if strip is not None:
            self._cache.move_to_end(seq)
            return strip
        text = self._text(self.line(seq))
        if seq == self.current_match:
            text.stylize("reverse")
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        self._cache[seq] = strip
        if len(self._cache) > CACHED_ROWS:
            self._cache.popitem(last=False)
        return strip

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = scroll_y + y
        if not self.shown:
            if y == 0 and self.placeholder:
                return Strip([Segment(self.placeholder, Style(dim=True))]).crop_extend(0, width, base).apply_style(base)
            return Strip.blank(width, base)
        if index >= len(self.shown):
            return Strip.blank(width, base)
        return self._strip(self.shown[index]).crop_extend(scroll_x, scroll_x + width, base).apply_style(base)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
