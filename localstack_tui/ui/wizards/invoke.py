"""Invoke a function with a JSON payload (from a template), and see its result and log."""

from __future__ import annotations

import json
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, TextArea

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.functions import function_name, invoke_function, s3_put_event, sqs_message_event
from localstack_tui.ui.wizards.base import Choices, Outcome, Wizard, names_suggester


class InvokeWizard(Wizard):
    title_text = "Invoke function"
    apply_label = "Invoke"
    TEMPLATES: ClassVar[list[tuple[str, str]]] = [
        ("empty event {}", "empty"),
        ("S3 put event (bucket/key)", "s3"),
        ("SQS message event", "sqs"),
    ]

    def __init__(self, clients: AwsClients, choices: Choices | None = None, function: str = "") -> None:
        super().__init__(clients, choices)
        self.initial_function = function

    def form(self) -> ComposeResult:
        yield from self.field(
            "Function", Input(self.initial_function, id="function", suggester=names_suggester(self.choices.functions))
        )
        yield from self.field("Template", Select(self.TEMPLATES, value="empty", allow_blank=False, id="template"))
        bucket = self.choices.buckets[0] if self.choices.buckets else "demo-bucket"
        yield from self.field("Bucket / key for the S3 template", Input(f"{bucket}/test.txt", id="s3-object"))
        yield from self.field("Payload (JSON)", TextArea("{}", id="payload", language=None))
        yield Checkbox("asynchronously (as an event)", id="async")

    @on(Select.Changed, "#template")
    @on(Input.Changed, "#s3-object")
    def _template(self) -> None:
        template = self.query_one("#template", Select).value
        payload = self.query_one("#payload", TextArea)
        if template == "s3":
            bucket, _, key = self.value("s3-object").partition("/")
            payload.text = json.dumps(s3_put_event(bucket, key or "test.txt", 17), indent=2)
        elif template == "sqs":
            payload.text = json.dumps(sqs_message_event('{"hello": "from lstui"}'), indent=2)
        elif template == "empty":
            payload.text = "{}"

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        try:
            function_name(self.value("function"))
        except LstuiError as exc:
            errors["function"] = str(exc)
        if self.value("function") and self.choices.functions and self.value("function") not in self.choices.functions:
            errors.setdefault("function", f"no function named {self.value('function')}")
        try:
            json.loads(self.query_one("#payload", TextArea).text)
        except ValueError as exc:
            errors["payload"] = f"not valid JSON: {exc}"
        return errors

    def plan(self) -> list[str]:
        mode = "as an event (no result)" if self.query_one("#async", Checkbox).value else "and wait for its result"
        return [f"invoke {self.value('function')} {mode}", "nothing else changes"]

    def prepare(self) -> tuple[str, str, bool]:
        return (
            self.value("function"),
            self.query_one("#payload", TextArea).text,
            self.query_one("#async", Checkbox).value,
        )

    def perform(self, clients: AwsClients, prepared: tuple[str, str, bool]) -> Outcome:
        function, payload, asynchronous = prepared
        result = invoke_function(clients, function, payload, asynchronous=asynchronous)
        if asynchronous:
            return Outcome((f"invoked as an event (status {result.status_code}); its log is in the log pane",))
        lines = [f"status {result.status_code} · request {result.request_id}"]
        if result.ok:
            lines.append(f"result: {result.payload}")
        else:
            lines.append(f"error: {result.error_type}: {result.error_message}")
        lines += [line for line in result.log_tail.splitlines() if line.strip()]
        return Outcome(tuple(lines), extra={"result": result})
