"""A Lambda function: configuration, environment (masked), triggers, recent log lines."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static
from textual.worker import get_current_worker

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.devloop import DevLoop, DevLoopEvent, bind_source, bound_source
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.functions import (
    DeploySpec,
    EventSourceMapping,
    FunctionInfo,
    get_function,
    list_event_source_mappings,
)
from localstack_tui.core.logs import LogEvent, LogTail, function_log_group
from localstack_tui.core.notifications import NotificationEntry, buckets_notifying, notification_cache
from localstack_tui.ui.formatting import human_size, masked, short_time
from localstack_tui.ui.widgets.in_place import update_in_place

RECENT_LINES = 8


@dataclass(frozen=True)
class FunctionView:
    info: FunctionInfo
    mappings: list[EventSourceMapping] = field(default_factory=list)
    buckets: list[tuple[str, NotificationEntry]] | None = field(default_factory=list)  # None: still reading
    recent: list[LogEvent] = field(default_factory=list)


class FunctionDetail(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "toggle_mask", "Show/hide values", id="function.toggle_mask"),
        Binding("W", "toggle_watch", "Watch source", id="function.watch"),
    ]

    class WatchEvent(Message):
        def __init__(self, function: str, event: DevLoopEvent) -> None:
            super().__init__()
            self.function, self.event = function, event

    class Loaded(Message):
        def __init__(self, name: str, view: FunctionView | None, error: str | None) -> None:
            super().__init__()
            self.name, self.view, self.error = name, view, error

    def __init__(self, clients: Callable[[], AwsClients], bucket_names: Callable[[], list[str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients = clients
        self._bucket_names = bucket_names
        self.name_shown: str | None = None
        self.view: FunctionView | None = None
        self.masked = True
        self.border_title = "Function"
        # function → its running dev loop, and the last events of each (kept across selections).
        self.loops: dict[str, DevLoop] = {}
        self.history: dict[str, list[DevLoopEvent]] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="function-scroll"):
            yield Static("", id="function-summary")
            yield Label("Environment  [dim](m: show/hide values)[/]", classes="section-title")
            table: DataTable[str | Text] = DataTable(id="function-env", cursor_type="row", zebra_stripes=True)
            table.add_columns("Name", "Value")
            yield table
            yield Label("Dev loop  [dim](W: watch the source and redeploy on save)[/]", classes="section-title")
            yield Static("", id="function-devloop")
            yield Label("Triggers", classes="section-title")
            yield Static("", id="function-triggers")
            yield Label("Recent log lines", classes="section-title")
            yield Static("", id="function-recent")

    def show(self, name: str) -> None:
        self.name_shown = name
        self._render_devloop()
        self._load(name, self._bucket_names())

    @work(thread=True, exclusive=True, exit_on_error=False, group="function-detail")
    def _load(self, name: str, buckets: list[str]) -> None:
        clients = self._clients()
        try:
            info = get_function(clients, name)
            mappings = list_event_source_mappings(clients, function=name)
            tail = LogTail(function_log_group(name), since=datetime.now(UTC) - timedelta(hours=1))
            recent = tail.poll(clients)[-RECENT_LINES:]
            worker = get_current_worker()
            if worker.is_cancelled:
                return
            # Everything but the buckets first: reading 1,000 buckets' notifications takes seconds.
            self.post_message(self.Loaded(name, FunctionView(info, mappings, None, recent), None))
            notifying = buckets_notifying(
                clients,
                info.arn,
                buckets,
                cancelled=lambda: worker.is_cancelled,
                cache=notification_cache(clients.connection.endpoint_url),
            )
            if worker.is_cancelled:
                return
        except LstuiError as exc:
            self.post_message(self.Loaded(name, None, str(exc)))
            return
        self.post_message(self.Loaded(name, FunctionView(info, mappings, notifying, recent), None))

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.name != self.name_shown:
            return
        summary = self.query_one("#function-summary", Static)
        if message.view is None:
            update_in_place(summary, Text(message.error or "error", style="red"))
            return
        self.view = view = message.view
        info = view.info
        self.border_title = f"Function · {info.name}"
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column()
        state_style = {"Active": "green", "Failed": "bold red"}.get(info.state, "yellow")
        grid.add_row("state", Text(f"{info.state} · last update {info.last_update_status}", style=state_style))
        if info.state_reason:
            grid.add_row("reason", Text(info.state_reason, style="red"))
        grid.add_row("runtime", info.runtime)
        grid.add_row("handler", info.handler)
        grid.add_row("memory / timeout", f"{info.memory} MB / {info.timeout} s")
        grid.add_row("last modified", short_time(info.last_modified))
        grid.add_row("code", f"{human_size(info.code_size)} · CodeSha256 {info.code_sha256[:16]}…")
        grid.add_row("role", Text(info.role, style="dim"))
        update_in_place(summary, grid)
        self._render_env()
        triggers: list[Text] = []
        if view.buckets is None:
            triggers.append(Text("S3  reading the buckets' notification configurations…", style="dim"))
        for bucket, entry in view.buckets or []:
            filters = " ".join(
                part
                for part in (entry.prefix and f"prefix {entry.prefix}", entry.suffix and f"suffix {entry.suffix}")
                if part
            )
            triggers.append(
                Text.assemble(
                    ("S3  ", "magenta"),
                    bucket,
                    ("  " + ", ".join(entry.events) + ("  " + filters if filters else ""), "dim"),
                )
            )
        for mapping in view.mappings:
            queue = mapping.source_arn.rsplit(":", 1)[-1]
            triggers.append(
                Text.assemble(("SQS ", "cyan"), queue, (f"  batch {mapping.batch_size} · {mapping.state}", "dim"))
            )
        update_in_place(
            self.query_one("#function-triggers", Static),
            Group(*triggers) if triggers else Text("none: no bucket notifies it, no queue maps to it", style="dim"),
        )
        lines = [
            Text(
                event.message,
                style="dim" if event.kind in ("start", "end", "report") else ("red" if event.kind == "error" else ""),
            )
            for event in view.recent
        ]
        update_in_place(
            self.query_one("#function-recent", Static),
            Group(*lines) if lines else Text("no log lines in the last hour", style="dim"),
        )

    def _render_env(self) -> None:
        table = self.query_one("#function-env", DataTable)
        table.clear()
        if self.view is None:
            return
        for key, value in sorted(self.view.info.environment.items()):
            table.add_row(key, masked(value) if self.masked else value)
        if not self.view.info.environment:
            table.add_row(Text("no variables", style="dim"), "")

    def action_toggle_mask(self) -> None:
        self.masked = not self.masked
        self._render_env()

    # -- the dev loop ---------------------------------------------------------------------------
    def on_unmount(self) -> None:
        for loop in self.loops.values():
            loop.stop.set()

    def action_toggle_watch(self) -> None:
        name = self.name_shown
        if name is None:
            return
        loop = self.loops.get(name)
        if loop is not None:
            loop.stop.set()
            del self.loops[name]
            self._record(name, DevLoopEvent("paused", "watching stopped"))
            return
        endpoint = self._clients().connection.endpoint_url
        from localstack_tui.ui.screens.source_prompt import SourcePrompt

        def chosen(source: str | None) -> None:
            if source:
                bind_source(endpoint, name, source)
                self._start_loop(name, source)

        self.app.push_screen(SourcePrompt(name, bound_source(endpoint, name) or ""), chosen)

    def start_watching(self, name: str, source: str) -> None:
        """Watch `source` and redeploy `name` on each change (the deploy wizard's offer)."""
        bind_source(self._clients().connection.endpoint_url, name, source)
        if name not in self.loops:
            self._start_loop(name, source)

    def _start_loop(self, name: str, source: str) -> None:
        clients = self._clients()

        def report(event: DevLoopEvent) -> None:  # called from the loop's thread
            self.post_message(self.WatchEvent(name, event))

        def confirm_create(function: str) -> bool:  # called from the loop's thread
            from localstack_tui.ui.screens.confirm import ConfirmScreen

            answer: list[bool] = []
            answered = threading.Event()

            def done(yes: bool | None) -> None:
                answer.append(bool(yes))
                answered.set()

            def ask() -> None:
                question = ConfirmScreen(
                    f"{function} is gone",
                    f"LocalStack no longer has it (restarted without persistence?). Create it again from {source}?",
                    "Create it again",
                )
                self.app.push_screen(question, done)

            self.app.call_from_thread(ask)
            while not answered.wait(0.2):
                if loop.stop.is_set():
                    return False
            return answer[0]

        loop = DevLoop(clients, DeploySpec(Path(source), name), report, confirm_create=confirm_create)
        self.loops[name] = loop
        self._record(name, DevLoopEvent("watching", f"{source} → {name}"))
        self.run_worker(self._run_loop(loop), thread=True, group=f"devloop-{name}", exit_on_error=False)

    @staticmethod
    def _run_loop(loop: DevLoop) -> Callable[[], None]:
        def run() -> None:
            try:
                loop.run()
            except LstuiError as exc:
                loop.on_event(DevLoopEvent("failed", str(exc)))

        return run

    @on(WatchEvent)
    def _on_watch_event(self, message: WatchEvent) -> None:
        message.stop()
        self._record(message.function, message.event)
        if message.event.kind in ("deployed", "created") and message.function == self.name_shown:
            self._load(message.function, self._bucket_names())

    def _record(self, name: str, event: DevLoopEvent) -> None:
        events = self.history.setdefault(name, [])
        events.append(event)
        del events[:-20]
        if name == self.name_shown:
            self._render_devloop()

    def _render_devloop(self) -> None:
        name = self.name_shown or ""
        target = self.query_one("#function-devloop", Static)
        events = self.history.get(name, [])
        watching = name in self.loops
        head = Text("● watching" if watching else "○ not watching", style="green" if watching else "dim")
        lines = [head]
        deploy = next((e for e in reversed(events) if e.kind in ("deployed", "created", "unchanged")), None)
        if deploy is not None:
            lines.append(
                Text(
                    f"last deploy {deploy.at.astimezone().strftime('%H:%M:%S')} · {deploy.seconds:.2f} s · "
                    f"{deploy.size} B · CodeSha256 {deploy.code_sha256[:12]}…"
                )
            )
        error = next((e for e in reversed(events) if e.kind in ("skipped", "failed", "paused", "lost")), None)
        if error is not None:
            lines.append(Text(f"last problem: {error.message}", style="yellow"))
        for event in events[-3:]:
            lines.append(Text(event.line(), style="dim"))
        update_in_place(target, Group(*lines))
