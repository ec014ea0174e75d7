"""A queue: counts, attributes, redrive policy and DLQ, consumers, and its messages (peeked)."""

from __future__ import annotations

import json
from collections.abc import Callable
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
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.functions import EventSourceMapping, list_event_source_mappings
from localstack_tui.core.sqs import PeekedMessage, PeekResult, Queue, get_queue, peek_messages, purge_queue
from localstack_tui.ui.formatting import short_time
from localstack_tui.ui.widgets.in_place import update_in_place

PAGE_SIZE = 100  # messages per page of the table; the peek itself reads the whole queue once


def describe_body(message: PeekedMessage) -> Text:
    """An S3 event body as bucket/key/event; JSON pretty-printed; anything else as it is."""
    events = message.s3_events
    if events is not None:
        if not events:
            return Text("s3:TestEvent (sent when the queue was wired)", style="dim")
        return Text("\n".join(f"{e.event_name}  s3://{e.bucket}/{e.key}" for e in events), style="cyan")
    try:
        return Text(json.dumps(json.loads(message.body), indent=2))
    except ValueError:
        return Text(message.body)


class QueueDetail(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "peek", "Peek again", id="queue.peek"),
        Binding("x", "purge", "Purge", id="queue.purge"),
        Binding("right_square_bracket", "page(1)", "Next page", id="queue.next_page", show=False),
        Binding("left_square_bracket", "page(-1)", "Previous page", id="queue.previous_page", show=False),
    ]

    class Loaded(Message):
        """The queue itself: counts, attributes, consumers (the messages follow in Peeked)."""

        def __init__(
            self, url: str, queue: Queue | None, mappings: list[EventSourceMapping], error: str | None
        ) -> None:
            super().__init__()
            self.url, self.queue, self.mappings, self.error = url, queue, mappings, error

    class Peeked(Message):
        def __init__(self, url: str, peek: PeekResult | None, error: str | None) -> None:
            super().__init__()
            self.url, self.peek, self.error = url, peek, error

    class Purged(Message):
        def __init__(self, url: str, error: str | None) -> None:
            super().__init__()
            self.url, self.error = url, error

    def __init__(self, clients: Callable[[], AwsClients], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients = clients
        self.url: str | None = None
        self.queue: Queue | None = None
        self.mappings: list[EventSourceMapping] = []
        self.messages: list[PeekedMessage] = []  # every message the peek saw, in queue order
        self.page = 0
        self.border_title = "Queue"

    def compose(self) -> ComposeResult:
        yield Static("", id="queue-summary")
        yield Label("Messages", id="queue-messages-title", classes="section-title")
        table: DataTable[str | Text] = DataTable(id="queue-messages", cursor_type="row", zebra_stripes=True)
        for label in ("#", "Sent", "Receives", "State", "Body"):
            table.add_column(label)
        yield table
        with VerticalScroll(id="queue-body-box"):
            yield Static("", id="queue-body")

    def show(self, url: str) -> None:
        if url != self.url:  # another queue: nothing of the last one stays on screen
            self.queue = None
            self.messages = []
            self.page = 0
            self.query_one("#queue-messages", DataTable).clear()
            update_in_place(self.query_one("#queue-body", Static), "")
        self.url = url
        self._load(url)

    def action_peek(self) -> None:
        if self.url:
            self._load(self.url)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-detail")
    def _load(self, url: str) -> None:
        clients = self._clients()
        try:
            queue = get_queue(clients, url)
            mappings = list_event_source_mappings(clients, source_arn=queue.arn)
        except LstuiError as exc:
            self.post_message(self.Loaded(url, None, [], str(exc)))
            return
        worker = get_current_worker()
        if worker.is_cancelled:  # a newer load of this pane is on its way: it alone is shown
            return
        self.post_message(self.Loaded(url, queue, mappings, None))
        # A big queue takes LocalStack seconds to list: the counts above are shown meanwhile.
        peek: PeekResult | None = None
        error: str | None = None
        try:
            peek = peek_messages(clients, url, limit=None, show_invisible=True, show_delayed=True)
        except LstuiError as exc:
            error = str(exc)
        if not worker.is_cancelled:
            self.post_message(self.Peeked(url, peek, error))

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.url != self.url:
            return
        summary = self.query_one("#queue-summary", Static)
        if message.queue is None:
            update_in_place(summary, Text(message.error or "error", style="red"))
            return
        queue = self.queue = message.queue
        self.mappings = message.mappings
        self.border_title = f"Queue · {queue.name}"
        update_in_place(summary, self._summary(queue, message.mappings, None))
        count = queue.visible + queue.in_flight + queue.delayed
        if count > PAGE_SIZE or not self.messages:
            update_in_place(self.query_one("#queue-messages-title", Label), f"Messages  [dim]peeking at {count:,}…[/]")

    @on(Peeked)
    def _on_peeked(self, message: Peeked) -> None:
        message.stop()
        if message.url != self.url:
            return
        if message.peek is None:
            self.messages = []
            self.page = 0
            self.query_one("#queue-messages", DataTable).clear()
            update_in_place(
                self.query_one("#queue-messages-title", Label),
                Text.assemble("Messages  ", (message.error or "error", "red")),
            )
            return
        if message.peek.warning and self.queue is not None:
            update_in_place(
                self.query_one("#queue-summary", Static), self._summary(self.queue, self.mappings, message.peek)
            )
        self.messages = message.peek.messages
        self.page = min(self.page, self._last_page())
        self._show_page()

    def _last_page(self) -> int:
        return max(0, (len(self.messages) - 1) // PAGE_SIZE)

    def _show_page(self) -> None:
        """The table shows one page of the peeked messages; the title says which."""
        table = self.query_one("#queue-messages", DataTable)
        table.clear()
        first = self.page * PAGE_SIZE
        for index in range(first, min(first + PAGE_SIZE, len(self.messages))):
            peeked = self.messages[index]
            state = peeked.attributes.get("IsVisible")
            label = (
                "in flight"
                if state == "false"
                else ("delayed" if peeked.attributes.get("IsDelayed") == "true" else "visible")
            )
            body = describe_body(peeked).plain.replace("\n", " ")
            table.add_row(
                str(index + 1),
                short_time(peeked.sent_at),
                str(peeked.receive_count),
                label,
                body[:80],
                key=str(index),
            )
        title = self.query_one("#queue-messages-title", Label)
        total = len(self.messages)
        if not total:
            update_in_place(title, "Messages  [dim]— peeked, not consumed (p: peek again)[/]")
            update_in_place(self.query_one("#queue-body", Static), Text("The queue is empty.", style="dim"))
            return
        shown = f"{first + 1:,}–{min(first + PAGE_SIZE, total):,} of {total:,}"
        pages = f" · page {self.page + 1} of {self._last_page() + 1} (] [)" if total > PAGE_SIZE else ""
        update_in_place(title, Text.assemble(f"Messages {shown}", (f"{pages} · peeked, not consumed", "dim")))

    def action_page(self, step: int) -> None:
        """Next (1) or previous (-1) page of the peeked messages."""
        page = min(max(self.page + step, 0), self._last_page())
        if page != self.page:
            self.page = page
            self._show_page()

    def _summary(self, queue: Queue, mappings: list[EventSourceMapping], peek: PeekResult | None) -> Group:
        counts = Table.grid(padding=(0, 3))
        counts.add_row(
            Text.assemble(("visible ", "dim"), (str(queue.visible), "bold")),
            Text.assemble(("in flight ", "dim"), (str(queue.in_flight), "bold")),
            Text.assemble(("delayed ", "dim"), (str(queue.delayed), "bold")),
        )
        attrs = Table.grid(padding=(0, 2))
        attrs.add_column(style="dim")
        attrs.add_column()
        attrs.add_row("type", "FIFO" if queue.fifo else "standard")
        attrs.add_row("visibility timeout", f"{queue.visibility_timeout} s")
        attrs.add_row("retention", f"{queue.retention_seconds // 3600} h ({queue.retention_seconds} s)")
        if queue.redrive_policy:
            attrs.add_row(
                "dead-letter queue",
                f"{queue.redrive_policy.dlq_name} after {queue.redrive_policy.max_receive_count} receives",
            )
        else:
            attrs.add_row("dead-letter queue", Text("none", style="yellow"))
        if queue.dlq_sources:
            feeders = ", ".join(arn.rsplit(":", 1)[-1] for arn in queue.dlq_sources)
            attrs.add_row("DLQ of", Text(feeders, style="yellow"))
        consumers = ", ".join(f"{m.function_name} (batch {m.batch_size}, {m.state})" for m in mappings) or "none"
        attrs.add_row("consumed by", consumers)
        attrs.add_row("url", Text(queue.url, style="dim"))
        parts: list[Any] = [counts, Text(""), attrs]
        if peek is not None and peek.warning:
            parts.append(Text(peek.warning, style="bold yellow"))
        return Group(*parts)

    @on(DataTable.RowHighlighted, "#queue-messages")
    def _on_message_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is None:
            return
        index = int(event.row_key.value)
        if not 0 <= index < len(self.messages):  # a row of a table being redrawn
            return
        peeked = self.messages[index]
        head = Text(f"{peeked.message_id}\n", style="dim")
        update_in_place(self.query_one("#queue-body", Static), head + describe_body(peeked))

    def action_purge(self) -> None:
        from localstack_tui.ui.screens.confirm import ConfirmScreen

        queue = self.queue
        if queue is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes and self.url:
                self._purge(self.url)

        self.app.push_screen(
            ConfirmScreen(
                f"Purge queue {queue.name}?",
                f"This deletes its {queue.visible + queue.in_flight + queue.delayed} messages for good.",
                confirm_label="Purge",
            ),
            confirmed,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-purge")
    def _purge(self, url: str) -> None:
        try:
            purge_queue(self._clients(), url)
        except LstuiError as exc:
            self.post_message(self.Purged(url, str(exc)))
            return
        self.post_message(self.Purged(url, None))

    @on(Purged)
    def _on_purged(self, message: Purged) -> None:
        message.stop()
        if message.error:
            self.notify(message.error, severity="error")
        else:
            self.notify("Queue purged.")
            if message.url == self.url:
                self._load(message.url)
