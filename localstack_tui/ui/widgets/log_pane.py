"""The log pane: the newest CloudWatch lines of the selected function, following as they come."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import RichLog
from textual.worker import get_current_worker

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.logs import FASTEST_INTERVAL, LogEvent, LogTail, function_log_group, next_interval

MAX_LINES = 5000
BACKLOG = timedelta(minutes=10)


def styled(event: LogEvent) -> Text:
    stamp = Text(event.timestamp.strftime("%H:%M:%S.%f")[:-3] + "  ", style="dim")
    if event.kind in ("start", "end", "report"):
        return stamp + Text(event.message, style="dim")
    if event.kind == "error":
        return stamp + Text(event.message, style="bold red")
    return stamp + Text(event.message)


class LogPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "clear", "Clear", id="logs.clear"),
    ]

    class Lines(Message):
        def __init__(self, function: str, events: list[LogEvent], error: str | None = None) -> None:
            super().__init__()
            self.function, self.events, self.error = function, events, error

    def __init__(self, clients: Callable[[], AwsClients], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients = clients
        self.function: str | None = None
        self.border_title = "Logs"

    def compose(self) -> ComposeResult:
        log = RichLog(max_lines=MAX_LINES, wrap=False, markup=False, id="log-lines", auto_scroll=True)
        log.write(Text("Select a function to follow its logs.", style="dim"))
        yield log

    def follow(self, function: str) -> None:
        """Follow another function's log group (the last ten minutes first)."""
        if function == self.function:
            return
        self.function = function
        self.border_title = f"Logs · {function_log_group(function)} · following"
        self.query_one(RichLog).clear()
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
        log = self.query_one(RichLog)
        if message.error:
            self.border_title = f"Logs · {function_log_group(message.function)} · {message.error}"
            return
        self.border_title = f"Logs · {function_log_group(message.function)} · following"
        for event in message.events:
            log.write(styled(event))

    def action_clear(self) -> None:
        self.query_one(RichLog).clear()
