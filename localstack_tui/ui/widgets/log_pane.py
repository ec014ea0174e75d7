"""The log pane: the newest CloudWatch lines of the selected function, following as they come.

Lines are kept in a bounded ring (the newest RING_LINES); the view shows those
that match the filter, can pause (lines keep arriving into the ring) and hide
timestamps.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, RichLog
from textual.worker import get_current_worker

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.log_filter import MATCH_ALL, LogPattern, compile_pattern
from localstack_tui.core.logs import FASTEST_INTERVAL, LogEvent, LogTail, function_log_group, next_interval

RING_LINES = 100_000
SHOWN_LINES = 5_000
BACKLOG = timedelta(minutes=10)


def styled(event: LogEvent, timestamps: bool = True) -> Text:
    stamp = Text(event.timestamp.strftime("%H:%M:%S.%f")[:-3] + "  ", style="dim") if timestamps else Text("")
    if event.kind in ("start", "end", "report"):
        return stamp + Text(event.message, style="dim")
    if event.kind == "error":
        return stamp + Text(event.message, style="bold red")
    return stamp + Text(event.message)


class LogPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "clear", "Clear", id="logs.clear"),
        Binding("f", "filter", "Filter", id="logs.filter"),
        Binding("P", "toggle_pause", "Pause/resume", id="logs.pause"),
        Binding("t", "toggle_timestamps", "Timestamps", id="logs.timestamps"),
        Binding("G", "newest", "Newest", id="logs.newest"),
    ]

    class Lines(Message):
        def __init__(self, function: str, events: list[LogEvent], error: str | None = None) -> None:
            super().__init__()
            self.function, self.events, self.error = function, events, error

    def __init__(self, clients: Callable[[], AwsClients], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients = clients
        self.function: str | None = None
        self.ring: deque[LogEvent] = deque(maxlen=RING_LINES)
        self.pattern: LogPattern = MATCH_ALL
        self.paused = False
        self.timestamps = True
        self.problem = ""
        self.border_title = "Logs"

    def compose(self) -> ComposeResult:
        yield Input(placeholder='filter: text, "a phrase", -exclude, ?any, { $.level = "ERROR" }', id="log-filter")
        log = RichLog(max_lines=SHOWN_LINES, wrap=False, markup=False, id="log-lines", auto_scroll=True)
        log.write(Text("Select a function to follow its logs.", style="dim"))
        yield log

    def on_mount(self) -> None:
        self.query_one("#log-filter").display = False

    def _title(self) -> None:
        if self.function is None:
            self.border_title = "Logs"
            return
        state = "paused" if self.paused else "following"
        parts = [f"Logs · {function_log_group(self.function)} · {state}"]
        if self.pattern.text:
            parts.append(f"filter {self.pattern.text!r}")
        if self.problem:
            parts.append(self.problem)
        self.border_title = " · ".join(parts)

    def follow(self, function: str) -> None:
        """Follow another function's log group (the last ten minutes first)."""
        if function == self.function:
            return
        self.function = function
        self.ring.clear()
        self.problem = ""
        self.query_one(RichLog).clear()
        self._title()
        self._follow(function)

    @work(thread=True, exclusive=True, exit_on_error=False, group="log-follow")
    def _follow(self, function: str) -> None:
        worker = get_current_worker()
        tail = LogTail(function_log_group(function), since=datetime.now(UTC) - BACKLOG)
        interval = FASTEST_INTERVAL
        while not worker.is_cancelled:
            try:
                events = tail.poll(self._clients())
            except LstuiError as exc:
                self.post_message(self.Lines(function, [], str(exc)))
                events = []
            if events and not worker.is_cancelled:
                self.post_message(self.Lines(function, events))
            interval = next_interval(interval, bool(events))
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not worker.is_cancelled:
                time.sleep(0.05)

    @on(Lines)
    def _on_lines(self, message: Lines) -> None:
        message.stop()
        if message.function != self.function:
            return
        self.problem = message.error or ""
        self._title()
        self.ring.extend(message.events)
        if self.paused:
            return
        log = self.query_one(RichLog)
        for event in message.events:
            if self.pattern.matches(event.message):
                log.write(styled(event, self.timestamps))

    def _rerender(self) -> None:
        """Show the ring again through the current filter and settings."""
        log = self.query_one(RichLog)
        log.clear()
        shown = [event for event in self.ring if self.pattern.matches(event.message)][-SHOWN_LINES:]
        for event in shown:
            log.write(styled(event, self.timestamps))

    # -- actions --------------------------------------------------------------------------------
    def action_clear(self) -> None:
        self.ring.clear()
        self.query_one(RichLog).clear()

    def action_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            self.pattern = compile_pattern(event.value)
        except LstuiError as exc:
            self.problem = str(exc)
            self._title()
            return
        self.problem = ""
        self._title()
        self._rerender()

    @on(Input.Submitted, "#log-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            event.input.display = False
        self.query_one(RichLog).focus()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self._title()
        if not self.paused:
            self._rerender()

    def action_toggle_timestamps(self) -> None:
        self.timestamps = not self.timestamps
        self._rerender()

    def action_newest(self) -> None:
        self.query_one(RichLog).scroll_end(animate=False)
