"""The log pane: the CloudWatch lines of the selected function, or of every function, as they come.

Lines go into a ring of the newest 100,000 (LogView draws only the rows on screen);
the pane filters them (text or CloudWatch pattern), searches them, pauses (lines go
on arriving into the ring), hides timestamps, and marks the lines of one request
with one colour.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input
from textual.worker import get_current_worker

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.log_filter import LogPattern, compile_pattern
from localstack_tui.core.logs import (
    FASTEST_INTERVAL,
    LAMBDA_PREFIX,
    SLOWEST_INTERVAL,
    LogEvent,
    LogTail,
    PrefixTail,
    function_log_group,
    next_interval,
)
from localstack_tui.ui.widgets.inputs import open_box
from localstack_tui.ui.widgets.log_view import RING_LINES, LogView

BACKLOG = timedelta(minutes=10)
ALL = "*"  # following every function
# Following every function polls one group per function: gentler than following one.
ALL_FASTEST, ALL_SLOWEST = 0.5, 1.0

__all__ = ["RING_LINES", "LogPane"]


class LogPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "clear", "Clear", id="logs.clear"),
        Binding("f", "filter", "Filter", id="logs.filter"),
        Binding("slash", "search", "Search", id="logs.search"),
        Binding("n", "find(True)", "Next match", show=False, id="logs.next"),
        Binding("N", "find(False)", "Previous match", show=False, id="logs.previous"),
        Binding("a", "toggle_all", "All functions", id="logs.all"),
        Binding("P", "toggle_pause", "Pause/resume", id="logs.pause"),
        Binding("t", "toggle_timestamps", "Timestamps", id="logs.timestamps"),
        Binding("G", "newest", "Newest", id="logs.newest"),
    ]

    class Lines(Message):
        def __init__(self, source: str, batches: list[tuple[str, LogEvent]], error: str | None = None) -> None:
            super().__init__()
            self.source, self.batches, self.error = source, batches, error

    def __init__(self, clients: Callable[[], AwsClients], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients = clients
        self.function: str | None = None  # the function the main screen selected
        self.source: str | None = None  # what is followed: a function's name, or ALL
        self.paused = False
        self.problem = ""
        self.border_title = "Logs"

    def compose(self) -> ComposeResult:
        yield Input(placeholder='filter: text, "a phrase", -exclude, ?any, { $.level = "ERROR" }', id="log-filter")
        yield Input(placeholder="search: text (n next, N previous)", id="log-search")
        yield LogView(id="log-lines")

    def on_mount(self) -> None:
        self.query_one("#log-filter").display = False
        self.query_one("#log-search").display = False
        self.view.clear("Select a function to follow its logs (a: every function's).")

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    @property
    def pattern(self) -> LogPattern:
        return self.view.pattern

    @property
    def timestamps(self) -> bool:
        return self.view.timestamps

    @property
    def following_all(self) -> bool:
        return self.source == ALL

    def _title(self) -> None:
        if self.source is None:
            self.border_title = "Logs"
            return
        state = "paused" if self.paused else "following"
        what = f"every function ({LAMBDA_PREFIX}*)" if self.following_all else function_log_group(self.source)
        parts = [f"Logs · {what} · {state}"]
        if self.pattern.text:
            parts.append(f"filter {self.pattern.text!r}")
        search = self.query_one("#log-search", Input).value
        if search:
            parts.append(f"search {search!r}")
        if self.problem:
            parts.append(self.problem)
        self.border_title = " · ".join(parts)

    def follow(self, function: str) -> None:
        """The selected function changed: follow its log group (the last ten minutes first)."""
        self.function = function
        if not self.following_all:
            self._start(function)

    def _start(self, source: str) -> None:
        if source == self.source:
            return
        self.source = source
        self.problem = ""
        self.view.functions = source == ALL
        self.view.clear("No log lines yet.")
        self._title()
        self._follow(source)

    @work(thread=True, exclusive=True, exit_on_error=False, group="log-follow")
    def _follow(self, source: str) -> None:
        worker = get_current_worker()
        since = datetime.now(UTC) - BACKLOG
        every = PrefixTail(LAMBDA_PREFIX, since=since) if source == ALL else None
        one = LogTail(function_log_group(source), since=since) if source != ALL else None
        fastest, slowest = (ALL_FASTEST, ALL_SLOWEST) if every else (FASTEST_INTERVAL, SLOWEST_INTERVAL)
        interval = fastest
        while not worker.is_cancelled:
            error = None
            batches: list[tuple[str, LogEvent]] = []
            try:
                if every is not None:
                    found = every.poll(self._clients())
                    batches = [(group.removeprefix(LAMBDA_PREFIX), event) for group, event in found]
                elif one is not None:
                    batches = [(source, event) for event in one.poll(self._clients())]
            except LstuiError as exc:
                error = str(exc)
            if (batches or error) and not worker.is_cancelled:
                self.post_message(self.Lines(source, batches, error))
            interval = next_interval(interval, bool(batches), fastest, slowest)
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not worker.is_cancelled:
                time.sleep(0.05)

    @on(Lines)
    def _on_lines(self, message: Lines) -> None:
        message.stop()
        if message.source != self.source:
            return
        if self.problem != (message.error or ""):
            self.problem = message.error or ""
            self._title()
        view = self.view
        run: list[LogEvent] = []
        function = ""
        for name, event in message.batches:  # consecutive lines of one function in one add()
            if name != function and run:
                view.add(function, run)
                run = []
            function = name
            run.append(event)
        if run:
            view.add(function, run)

    # -- actions --------------------------------------------------------------------------------
    def action_clear(self) -> None:
        self.view.clear()

    def action_toggle_all(self) -> None:
        """Follow every function's log group, or back to the selected function's."""
        if self.following_all:
            if self.function is not None:
                self._start(self.function)
            else:
                self.source = None
                self.view.functions = False
                self.view.clear("Select a function to follow its logs (a: every function's).")
                self.workers.cancel_group(self, "log-follow")
                self._title()
        else:
            self._start(ALL)

    def action_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        open_box(box)

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            pattern = compile_pattern(event.value)
        except LstuiError as exc:
            self.problem = str(exc)
            self._title()
            return
        self.problem = ""
        self.view.pattern = pattern
        self._title()
        self.view.rebuild()

    @on(Input.Submitted, "#log-filter")
    @on(Input.Submitted, "#log-search")
    def _box_done(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            event.input.display = False
        if event.input.id == "log-search" and event.value:
            self.action_find(True)
        self.view.focus()

    def action_search(self) -> None:
        box = self.query_one("#log-search", Input)
        open_box(box)

    @on(Input.Changed, "#log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.view.set_search(event.value.strip())
        self._title()

    def action_find(self, forward: bool) -> None:
        view = self.view
        if view.search is None:
            self.action_search()
            return
        if not view.find(forward):
            self.notify(f"No line matches {view.search.pattern!r}.", severity="warning", timeout=3)

    def action_toggle_pause(self) -> None:
        view = self.view
        self.paused = view.frozen = not self.paused
        self._title()
        if not self.paused:
            view.rebuild()

    def action_toggle_timestamps(self) -> None:
        view = self.view
        view.timestamps = not view.timestamps
        view.rebuild()

    def action_newest(self) -> None:
        self.view.action_scroll_end()
