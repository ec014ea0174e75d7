"""Wire a trigger: S3 → Lambda, S3 → SQS, SQS → Lambda (with a DLQ), never losing an entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, SelectionList, Static
from textual.widgets.selection_list import Selection

from localstack_tui.core import wiring
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import ConflictError, LstuiError
from localstack_tui.core.notifications import (
    DEFAULT_EVENT,
    EVENT_TYPES,
    NotificationConfig,
    TargetKind,
    get_notification_config,
    make_entry,
)
from localstack_tui.core.sqs import validate_queue_name
from localstack_tui.ui.wizards.base import Choices, Outcome, Wizard, names_suggester

LINKS = (("s3-lambda", "S3 → Lambda"), ("s3-sqs", "S3 → SQS"), ("sqs-lambda", "SQS → Lambda"))


@dataclass(frozen=True)
class WireRequest:
    link: str
    bucket: str
    function: str
    queue: str
    events: tuple[str, ...]
    prefix: str
    suffix: str
    settings: wiring.MappingSettings
    dlq: str | None
    max_receive_count: int


def wired_outcome(results: list[wiring.WiringResult]) -> Outcome:
    lines = [result.summary() for result in results]

    def undo_all(clients: AwsClients) -> list[str]:
        done: list[str] = []
        for result in reversed(results):
            done += wiring.undo(clients, result)
        return done

    has_undo = any(result.undo_steps for result in results)
    return Outcome(tuple(lines), undo_all if has_undo else None)


class WireWizard(Wizard):
    title_text = "Wire trigger"
    apply_label = "Wire"

    class ConfigLoaded(Message):
        def __init__(self, bucket: str, config: NotificationConfig | None, error: str | None) -> None:
            super().__init__()
            self.bucket, self.config, self.error = bucket, config, error

    def __init__(
        self,
        clients: AwsClients,
        choices: Choices | None = None,
        link: str = "s3-lambda",
        bucket: str = "",
        function: str = "",
        queue: str = "",
    ) -> None:
        super().__init__(clients, choices)
        self.initial = {"link": link, "bucket": bucket, "function": function, "queue": queue}
        self.config: NotificationConfig | None = None
        self.config_bucket = ""

    def form(self) -> ComposeResult:
        with RadioSet(id="link"):
            for key, label in LINKS:
                yield RadioButton(label, value=key == self.initial["link"], name=key)
        c = self.choices
        yield from self.field(
            "Bucket", Input(self.initial["bucket"], id="bucket", suggester=names_suggester(c.buckets))
        )
        yield from self.field(
            "Function", Input(self.initial["function"], id="function", suggester=names_suggester(c.functions))
        )
        yield from self.field("Queue", Input(self.initial["queue"], id="queue", suggester=names_suggester(c.queues)))
        events = SelectionList[str](
            *[
                Selection(f"{event.name}  [dim]{event.description}[/]", event.name, event.name == DEFAULT_EVENT)
                for event in EVENT_TYPES
            ],
            id="events",
        )
        yield from self.field("Events", events, "space toggles; the seed's eight first")
        yield from self.field("Prefix", Input("", placeholder="e.g. uploads/", id="prefix"))
        yield from self.field("Suffix", Input("", placeholder="e.g. .jpg", id="suffix"))
        yield Label("The bucket's notifications now", classes="wizard-label", id="current-title")
        yield Static("", id="current")
        yield from self.field("Batch size", Input("10", id="batch"))
        yield from self.field("Batching window (s)", Input("0", id="window"))
        yield from self.field("Maximum concurrency", Input("", placeholder="none", id="concurrency"))
        yield Checkbox("report batch item failures", id="report")
        yield Label("", id="has-dlq", classes="wizard-label")
        yield Checkbox("give the queue a dead-letter queue (failed messages are kept, not lost)", id="make-dlq")
        yield from self.field("Dead-letter queue", Input("", id="dlq", suggester=names_suggester(c.dlqs or c.queues)))
        yield from self.field("Max receive count", Input("3", id="receives"))

    @property
    def link(self) -> str:
        pressed = self.query_one("#link", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else "s3-lambda"

    def on_mount(self) -> None:
        super().on_mount()
        self._layout()

    @on(RadioSet.Changed)
    @on(Checkbox.Changed, "#make-dlq")
    @on(Input.Changed, "#queue")
    def _layout(self) -> None:
        link = self.link
        s3 = link.startswith("s3-")
        for field_id in ("bucket", "events", "prefix", "suffix"):
            self.show_field(field_id, s3)
        self.query_one("#current-title").display = s3
        self.query_one("#current").display = s3
        self.show_field("function", link in ("s3-lambda", "sqs-lambda"))
        self.show_field("queue", link in ("s3-sqs", "sqs-lambda"))
        for field_id in ("batch", "window", "concurrency"):
            self.show_field(field_id, link == "sqs-lambda")
        self.query_one("#report").display = link == "sqs-lambda"
        # The DLQ is offered only for a queue that has none; one that has is shown as it is.
        existing = self.choices.redrives.get(self.value("queue")) if link == "sqs-lambda" else None
        has_dlq = self.query_one("#has-dlq", Label)
        has_dlq.display = existing is not None
        if existing is not None:
            dlq_name, receives = existing
            has_dlq.update(f"✓ {self.value('queue')} already sends failures to {dlq_name} after {receives} receives")
        self.query_one("#make-dlq").display = link == "sqs-lambda" and existing is None
        dlq = link == "sqs-lambda" and existing is None and self.query_one("#make-dlq", Checkbox).value
        self.show_field("dlq", dlq)
        self.show_field("receives", dlq)
        if dlq and not self.value("dlq") and self.value("queue"):
            self.query_one("#dlq", Input).value = f"{self.value('queue')}-dlq"

    # -- the bucket's current configuration, fetched as the bucket is typed ------------------
    @on(Input.Changed, "#bucket")
    def _bucket_changed(self, event: Input.Changed) -> None:
        name = event.value.strip()
        if name and name in self.choices.buckets and name != self.config_bucket:
            self.config_bucket = name
            self.config = None
            self._load_config(name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="wire-config")
    def _load_config(self, bucket: str) -> None:
        try:
            config = get_notification_config(self.clients, bucket)
        except LstuiError as exc:
            self.post_message(self.ConfigLoaded(bucket, None, str(exc)))
            return
        self.post_message(self.ConfigLoaded(bucket, config, None))

    @on(ConfigLoaded)
    def _config_loaded(self, message: ConfigLoaded) -> None:
        if message.bucket != self.value("bucket"):
            return
        self.config = message.config
        current = self.query_one("#current", Static)
        if message.config is None:
            current.update(Text(message.error or "", style="red"))
        elif not message.config.entries and not message.config.eventbridge:
            current.update(Text("none yet", style="dim"))
        else:
            lines = [entry.describe() for entry in message.config.entries]
            if message.config.eventbridge:
                lines.append("EventBridge (all events)")
            current.update(Text("\n".join(lines) + "\n(all kept as they are)", style="dim"))
        self.refresh_plan()

    # -- checks -----------------------------------------------------------------------------------
    def _events(self) -> tuple[str, ...]:
        return tuple(self.query_one("#events", SelectionList).selected)

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        link = self.link
        c = self.choices
        if link.startswith("s3-"):
            try:
                wiring.bucket_name(self.value("bucket"))
                if c.buckets and self.value("bucket") not in c.buckets:
                    errors["bucket"] = f"no bucket named {self.value('bucket')}"
            except LstuiError as exc:
                errors["bucket"] = str(exc)
            if not self._events():
                errors["events"] = "choose at least one event type"
        if link in ("s3-lambda", "sqs-lambda"):
            function = self.value("function")
            if not function:
                errors["function"] = "choose a function"
            elif c.functions and function not in c.functions:
                errors["function"] = f"no function named {function}"
        if link in ("s3-sqs", "sqs-lambda"):
            queue = self.value("queue")
            try:
                validate_queue_name(queue)
                if c.queues and queue not in c.queues:
                    errors["queue"] = f"no queue named {queue}"
            except LstuiError as exc:
                errors["queue"] = str(exc)
        if link == "sqs-lambda":
            batch = self.number("batch", errors, 1, 10000, "batch size")
            window = self.number("window", errors, 0, 300, "batching window")
            concurrency = None
            if self.value("concurrency"):
                concurrency = self.number("concurrency", errors, 2, 1000, "maximum concurrency")
            if not errors.keys() & {"batch", "window", "concurrency"}:
                try:
                    wiring.MappingSettings(batch, window, concurrency).validate(fifo=False)
                except LstuiError as exc:
                    errors["window"] = str(exc)
            if self.value("queue") not in self.choices.redrives and self.query_one("#make-dlq", Checkbox).value:
                try:
                    validate_queue_name(self.value("dlq"))
                except LstuiError as exc:
                    errors["dlq"] = str(exc)
                self.number("receives", errors, 1, 1000, "max receive count")
        if link.startswith("s3-") and not errors and self.config is not None:
            try:
                self.config.with_entry(self._entry())
            except ConflictError as exc:
                errors["prefix"] = str(exc)
        return errors

    def _entry(self) -> Any:
        link = self.link
        # The ARN only matters for the overlap check, which compares filters and events.
        target = self.value("function") if link == "s3-lambda" else self.value("queue")
        kind = TargetKind.LAMBDA if link == "s3-lambda" else TargetKind.QUEUE
        return make_entry(kind, f"arn:aws:x:::{target}", self._events(), self.value("prefix"), self.value("suffix"))

    def plan(self) -> list[str]:
        request = self.prepare()
        if request.link == "s3-lambda":
            lines = [
                f"add one notification entry to bucket {request.bucket}: Lambda → {request.function} on "
                f"{', '.join(request.events)}" + self._filters(request),
                f"let s3.amazonaws.com invoke {request.function} for this bucket (a Lambda permission)",
            ]
        elif request.link == "s3-sqs":
            lines = [
                f"add one notification entry to bucket {request.bucket}: Queue → {request.queue} on "
                f"{', '.join(request.events)}" + self._filters(request),
                f"add a statement to {request.queue}'s access policy so the bucket may send (others kept)",
            ]
        else:
            lines = []
            if request.dlq:
                lines.append(
                    f"give {request.queue} the dead-letter queue {request.dlq} after {request.max_receive_count} "
                    "receives (created if missing)"
                )
            lines.append(
                f"create an event source mapping {request.queue} → {request.function} "
                f"(batch {request.settings.batch_size}, window {request.settings.batching_window} s)"
            )
        if request.link.startswith("s3-"):
            count = len(self.config.entries) if self.config else 0
            lines.append(f"every other entry of the bucket ({count}) is kept exactly as it is")
        return lines

    @staticmethod
    def _filters(request: WireRequest) -> str:
        parts = [
            f"prefix {request.prefix!r}" if request.prefix else "",
            f"suffix {request.suffix!r}" if request.suffix else "",
        ]
        shown = ", ".join(part for part in parts if part)
        return f" ({shown})" if shown else ""

    def prepare(self) -> WireRequest:
        concurrency = self.value("concurrency")
        dlq_wanted = (
            self.link == "sqs-lambda"
            and self.value("queue") not in self.choices.redrives
            and self.query_one("#make-dlq", Checkbox).value
        )
        return WireRequest(
            link=self.link,
            bucket=self.value("bucket"),
            function=self.value("function"),
            queue=self.value("queue"),
            events=self._events(),
            prefix=self.value("prefix"),
            suffix=self.value("suffix"),
            settings=wiring.MappingSettings(
                batch_size=int(self.value("batch") or 10),
                batching_window=int(self.value("window") or 0),
                max_concurrency=int(concurrency) if concurrency else None,
                report_batch_item_failures=self.query_one("#report", Checkbox).value,
            ),
            dlq=self.value("dlq") if dlq_wanted else None,
            max_receive_count=int(self.value("receives") or 3),
        )

    def perform(self, clients: AwsClients, prepared: WireRequest) -> Outcome:
        request = prepared
        results: list[wiring.WiringResult] = []
        if request.link == "s3-lambda":
            results.append(
                wiring.wire_s3_to_lambda(
                    clients, request.bucket, request.function, request.events, request.prefix, request.suffix
                )
            )
        elif request.link == "s3-sqs":
            results.append(
                wiring.wire_s3_to_sqs(
                    clients, request.bucket, request.queue, request.events, request.prefix, request.suffix
                )
            )
        else:
            if request.dlq:
                self.step(f"giving {request.queue} the dead-letter queue {request.dlq}")
                results.append(wiring.wire_dlq(clients, request.queue, request.dlq, request.max_receive_count))
            try:
                self.step(f"mapping {request.queue} → {request.function}")
                results.append(wiring.wire_sqs_to_lambda(clients, request.queue, request.function, request.settings))
            except LstuiError as exc:
                for result in reversed(results):  # nothing half-made
                    wiring.undo(clients, result)
                raise exc from None
        return wired_outcome(results)
