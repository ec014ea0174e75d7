"""Every wizard field, given bad input: the plan names the problem, Apply stays off, nothing reaches LocalStack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Input, TextArea

from localstack_tui.ui.wizards.base import Wizard
from localstack_tui.ui.wizards.bucket import BucketWizard
from localstack_tui.ui.wizards.deploy import DeployWizard
from localstack_tui.ui.wizards.invoke import InvokeWizard
from localstack_tui.ui.wizards.pipeline import PipelineWizard
from localstack_tui.ui.wizards.upload import UploadWizard
from localstack_tui.ui.wizards.wire import WireWizard
from tests.ui.conftest import HANDLER, World, make_app, wait_for
from tests.ui.test_wizards import open_wizard, plan_text

# wizard key, wizard class, fields that make a good plan, [(field id, bad value, what the plan must say)]
Cases = list[tuple[str, str, str]]


def matrix(world: World, source: Path) -> list[tuple[str, type[Wizard], dict[str, str], Cases]]:
    return [
        (
            "n",
            BucketWizard,
            {"name": "wiz-matrix-new-bucket"},
            [("name", "Bad_Bucket", "Bad_Bucket"), ("name", "ab", "'ab'"), ("name", world.bucket, "already exists")],
        ),
        (
            "d",
            DeployWizard,
            {"source": str(source), "name": "wiz-matrix-fn"},
            [
                ("source", "/nonexistent/lambda_function.py", "/nonexistent/lambda_function.py"),
                ("name", "bad name!", "bad name!"),
                ("handler", "nodot", "nodot"),
                ("handler", "lambda_function.missing", "missing"),
                ("runtime", "cobol85", "cobol85"),
                ("memory", "64", "memory must be"),
                ("timeout", "0", "timeout must be"),
                ("role", "not-an-arn", "not-an-arn"),
            ],
        ),
        (
            "w",
            WireWizard,
            {"bucket": world.bucket, "function": world.function},
            [
                ("bucket", "Bad_Bucket", "Bad_Bucket"),
                ("function", "arn:aws:sqs:us-east-1:000000000000:q", "arn:aws:sqs"),
            ],
        ),
        (
            "b",
            PipelineWizard,
            {"bucket": "wiz-matrix-bucket", "queue": "wiz-matrix-q", "function": world.function},
            [
                ("bucket", "Bad_Bucket", "Bad_Bucket"),
                ("queue", "bad queue!", "bad queue!"),
                ("function", "no-such-function-here", "no-such-function-here"),
                ("batch", "0", "batch size must be 1 to 10000"),
            ],
        ),
        (
            "u",
            UploadWizard,
            {"bucket": world.bucket, "paths": str(source)},
            [("bucket", "x", "'x'"), ("paths", "/nonexistent/file.txt", "/nonexistent/file.txt")],
        ),
        (
            "i",
            InvokeWizard,
            {"function": world.function, "payload": "{}"},
            [("payload", "{not json", "not valid JSON"), ("function", "bad name!", "bad name!")],
        ),
    ]


def set_field(wizard: Wizard, field: str, value: str) -> str:
    """Put `value` in a field (an Input or a TextArea) as if typed; return what it held."""
    box = wizard.query_one(f"#{field}")
    if isinstance(box, TextArea):
        old = box.text
        box.load_text(value)
        return old
    assert isinstance(box, Input)
    old = box.value
    box.value = value
    return old


def refused(wizard: Wizard, says: str) -> bool:
    """The plan shows an error line (✗) that says it."""
    return any(line.lstrip().startswith("✗") and says in line for line in plan_text(wizard).splitlines())


def snapshot(aws: Any) -> tuple[Any, ...]:
    s3, sqs, lam = aws("s3"), aws("sqs"), aws("lambda")
    buckets = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    return (
        buckets,
        {b: s3.get_bucket_notification_configuration(Bucket=b).get("LambdaFunctionConfigurations") for b in buckets},
        sorted(sqs.list_queues().get("QueueUrls", [])),
        sorted((f["FunctionName"], f["CodeSha256"]) for f in lam.list_functions()["Functions"]),
    )


async def test_every_wizard_field_refuses_bad_input(world: World, aws: Any, tmp_path: Path) -> None:
    source = tmp_path / "lambda_function.py"
    source.write_text(HANDLER)
    before = snapshot(aws)
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        for key, kind, good_fields, cases in matrix(world, source):
            wizard = await open_wizard(pilot, world, key, kind)
            for field, value in good_fields.items():
                set_field(wizard, field, value)
            for field, value, says in cases:
                good = set_field(wizard, field, value)
                try:
                    await wait_for(pilot, lambda s=says, w=wizard: refused(w, s), timeout=5)
                except AssertionError:
                    raise AssertionError(
                        f"{kind.__name__} {field}={value!r}: {says!r} not in\n{plan_text(wizard)}"
                    ) from None
                assert wizard.query_one("#wizard-apply", Button).disabled, f"{field}={value!r} left Apply on"
                await pilot.press("ctrl+s")
                await pilot.pause(0.2)
                assert wizard.outcome is None, f"{field}={value!r} was applied"
                set_field(wizard, field, good)
                await pilot.pause(0.2)
            await pilot.press("escape")
            await wait_for(pilot, lambda k=kind: not isinstance(pilot.app.screen, k), what="the wizard closed")
    assert snapshot(aws) == before, "nothing changed on the server"
