"""The seed's Part 2 in one form: S3 → SQS → Lambda, with a DLQ."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from localstack_tui.core import wiring
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.sqs import validate_queue_name
from localstack_tui.ui.wizards.base import Choices, Outcome, Wizard, names_suggester
from localstack_tui.ui.wizards.wire import wired_outcome


class PipelineWizard(Wizard):
    title_text = "Build S3 → SQS → Lambda pipeline"
    apply_label = "Build"

    def __init__(
        self, clients: AwsClients, choices: Choices | None = None, bucket: str = "", function: str = ""
    ) -> None:
        super().__init__(clients, choices)
        self.initial_bucket = bucket
        self.initial_function = function

    def form(self) -> ComposeResult:
        c = self.choices
        yield from self.field(
            "Bucket", Input(self.initial_bucket, id="bucket", suggester=names_suggester(c.buckets)), "new or existing"
        )
        yield from self.field(
            "Queue", Input("", placeholder="events", id="queue", suggester=names_suggester(c.queues)), "new or existing"
        )
        yield from self.field(
            "Dead-letter queue", Input("", placeholder="events-dlq", id="dlq", suggester=names_suggester(c.queues))
        )
        yield from self.field(
            "Function", Input(self.initial_function, id="function", suggester=names_suggester(c.functions)), "existing"
        )
        yield from self.field("Max receive count", Input("3", id="receives"), "failed receives before the DLQ")
        yield from self.field("Batch size", Input("1", id="batch"), "1: a failing message fails alone")

    def spec(self) -> wiring.PipelineSpec:
        queue = self.value("queue")
        return wiring.PipelineSpec(
            bucket=self.value("bucket"),
            queue=queue,
            dlq=self.value("dlq") or f"{queue}-dlq",
            function=self.value("function"),
            max_receive_count=int(self.value("receives") or 0) if self.value("receives").isdigit() else 0,
            batch_size=int(self.value("batch")) if self.value("batch").isdigit() else 0,
        )

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        self.number("receives", errors, 1, 1000, "max receive count")
        self.number("batch", errors, 1, 10000, "batch size")
        if not self.value("function"):
            errors["function"] = "choose the function that consumes the queue"
        elif self.choices.functions and self.value("function") not in self.choices.functions:
            errors["function"] = f"no function named {self.value('function')}"
        spec = self.spec()
        try:
            wiring.bucket_name(spec.bucket)
        except LstuiError as exc:
            errors.setdefault("bucket", str(exc))
        for field_id, name in (("queue", spec.queue), ("dlq", spec.dlq)):
            try:
                validate_queue_name(name)
            except LstuiError as exc:
                errors.setdefault(field_id, str(exc))
        if not errors:
            try:
                spec.validate()
            except LstuiError as exc:
                errors["batch"] = str(exc)
        return errors

    def plan(self) -> list[str]:
        spec = self.spec()
        c = self.choices

        def new(name: str, known: tuple[str, ...]) -> str:
            return "" if name in known else " (new)"

        return [
            f"bucket {spec.bucket}{new(spec.bucket, c.buckets)} ──s3:ObjectCreated:*──▶ "
            f"queue {spec.queue}{new(spec.queue, c.queues)} ──batch {spec.batch_size}──▶ function {spec.function}",
            f"queue {spec.queue} ──after {spec.max_receive_count} failed receives──▶ "
            f"DLQ {spec.dlq}{new(spec.dlq, c.queues)}",
            "the bucket's other notifications and the queue's other policy statements are kept",
            "if a step fails, the steps before it are undone",
        ]

    def prepare(self) -> wiring.PipelineSpec:
        return self.spec()

    def perform(self, clients: AwsClients, prepared: wiring.PipelineSpec) -> Outcome:
        result = wiring.build_pipeline(clients, prepared, progress=self.step)
        outcome = wired_outcome([result])
        flow = (
            f"{prepared.bucket} → {prepared.queue} → {prepared.function}   "
            f"(failures: {prepared.queue} → {prepared.dlq} after {prepared.max_receive_count})"
        )
        return Outcome((flow, *result.changes), outcome.undo)
