"""The wizards, driven from the keyboard against the real server; AWS state checked through the core."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.css.query import NoMatches
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Select, Static

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import NotFoundError
from localstack_tui.core.functions import get_function
from localstack_tui.core.notifications import get_notification_config
from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.widgets.bucket_detail import BucketDetail
from localstack_tui.ui.widgets.lists import BucketList
from localstack_tui.ui.wizards.base import Choices, Wizard
from localstack_tui.ui.wizards.bucket import BucketWizard
from localstack_tui.ui.wizards.deploy import DeployWizard
from localstack_tui.ui.wizards.invoke import InvokeWizard
from localstack_tui.ui.wizards.pipeline import PipelineWizard
from localstack_tui.ui.wizards.upload import UploadWizard
from localstack_tui.ui.wizards.wire import WireWizard
from tests.ui.conftest import HANDLER, World, main_screen, make_app, mounted, wait_for


def plan_text(wizard: Wizard) -> str:
    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(wizard.query_one("#wizard-plan", Static).content)
    return console.export_text()


def choices_of(main: Any) -> Choices:
    """The main screen's choices, or none while it is still being composed."""
    if not isinstance(main, MainScreen):
        return Choices()
    try:
        return main.choices()
    except NoMatches:
        return Choices()


async def type_into(pilot: Any, widget_id: str, text: str) -> None:
    """Focus a field and type into it, key by key."""
    box = pilot.app.screen.query_one(f"#{widget_id}", Input)
    box.focus()
    box.value = ""
    await pilot.pause()
    for char in text:
        await pilot.press(char)
    await pilot.pause()


async def open_wizard(pilot: Any, world: World, key: str, kind: type[Wizard]) -> Wizard:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="the main screen")
    main = app.screen
    await wait_for(pilot, lambda: world.function in choices_of(main).functions, what="the lists")
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, kind), what=kind.__name__)
    wizard: Wizard = app.screen
    return wizard


async def apply(pilot: Any, wizard: Wizard) -> str:
    await pilot.press("ctrl+s")
    await wait_for(
        pilot, lambda: wizard.outcome is not None or "✗" in plan_text(wizard), timeout=60, what="the outcome"
    )
    return plan_text(wizard)


async def test_deploy_wizard_creates_then_undo_deletes(world: World, clients: AwsClients, tmp_path: Path) -> None:
    source = tmp_path / "lambda_function.py"
    source.write_text(HANDLER)
    name = f"wiz-{uuid.uuid4().hex[:6]}"
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "d", DeployWizard)
        wizard.query_one("#source", Input).value = str(source)
        await type_into(pilot, "name", name)
        await type_into(pilot, "runtime", "python3.9")
        await wait_for(pilot, lambda: f"create function {name} (python3.9" in plan_text(wizard), what="the plan")
        assert "handler lambda_function.lambda_handler" in plan_text(wizard)
        text = await apply(pilot, wizard)
        assert f"{name} created in" in text
        assert get_function(clients, name).runtime == "python3.9"
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "deleted function" in plan_text(wizard), what="the undo")
    with pytest.raises(NotFoundError):
        get_function(clients, name)


async def test_deploy_wizard_refuses_bad_input_before_aws(world: World, clients: AwsClients, tmp_path: Path) -> None:
    broken = tmp_path / "lambda_function.py"
    broken.write_text("def lambda_handler(event, context)\n    return 1\n")
    name = f"wiz-bad-{uuid.uuid4().hex[:6]}"
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "d", DeployWizard)
        wizard.query_one("#source", Input).value = str(broken)
        await type_into(pilot, "name", name)
        await wait_for(
            pilot, lambda: "syntax error in lambda_function.py, line 1" in plan_text(wizard), what="the error"
        )
        assert wizard.query_one("#wizard-apply", Button).disabled
        await type_into(pilot, "memory", "64")
        assert "memory must be 128 to 10240" in plan_text(wizard)
        await pilot.press("ctrl+s")
        await pilot.pause(0.5)
        assert wizard.outcome is None
        await pilot.press("escape")
    with pytest.raises(NotFoundError):
        get_function(clients, name)


async def test_wire_wizard_keeps_every_entry_refuses_overlap_and_undoes(world: World, clients: AwsClients) -> None:
    before = get_notification_config(clients, world.bucket)
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await main_screen(pilot)
        await wait_for(pilot, lambda: world.bucket in choices_of(main).buckets, what="the bucket listed")
        assert main.jump_to("bucket", world.bucket)
        detail = main.query_one(BucketDetail)
        await wait_for(
            pilot,
            lambda: detail.bucket == world.bucket,
            what=f"the bucket open (jumped to {world.bucket})",
            on_timeout=lambda: (
                f"the detail shows {detail.bucket!r}, the list's cursor is on "
                f"{main.query_one(BucketList).table.key_at(main.query_one(BucketList).table.cursor_row)!r}"
            ),
        )
        wizard = await open_wizard(pilot, world, "w", WireWizard)
        assert wizard.query_one("#bucket", Input).value == world.bucket  # filled from the selection
        await type_into(pilot, "function", world.consumer)
        # No filter: it would overlap the existing docs/ entry on s3:ObjectCreated:*.
        await wait_for(pilot, lambda: "overlaps the existing entry" in plan_text(wizard), what="the overlap")
        assert wizard.query_one("#wizard-apply", Button).disabled
        await type_into(pilot, "prefix", "reports/")
        await wait_for(pilot, lambda: "add one notification entry" in plan_text(wizard), what="the plan")
        assert f"every other entry of the bucket ({len(before.entries)})" in plan_text(wizard)
        text = await apply(pilot, wizard)
        assert "added notification entry" in text
        after = get_notification_config(clients, world.bucket)
        assert after.eventbridge and len(after.entries) == len(before.entries) + 1
        assert all(entry in after.entries for entry in before.entries)
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "↶" in plan_text(wizard), what="the undo")
    assert get_notification_config(clients, world.bucket) == before


async def test_wire_wizard_sqs_to_lambda_with_a_new_dlq(world: World, clients: AwsClients, aws: Any) -> None:
    queue = f"wiz-q-{uuid.uuid4().hex[:6]}"
    aws("sqs").create_queue(QueueName=queue, Attributes={"VisibilityTimeout": "60"})
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = pilot.app
        await wait_for(pilot, lambda: isinstance(main.screen, MainScreen), what="main")
        await wait_for(pilot, lambda: queue in choices_of(main.screen).queues, timeout=30, what="the new queue listed")
        wizard = await open_wizard(pilot, world, "w", WireWizard)
        wizard.query_one("#link", RadioSet).query(".-sqs-lambda, RadioButton")[2].value = True
        await pilot.pause()
        await type_into(pilot, "queue", queue)
        await type_into(pilot, "function", world.consumer)
        await type_into(pilot, "batch", "5")
        wizard.query_one("#make-dlq", Checkbox).value = True
        await wait_for(pilot, lambda: f"{queue}-dlq after 3" in plan_text(wizard), what="the DLQ plan")
        text = await apply(pilot, wizard)
        assert "created event source mapping" in text and f"created queue {queue}-dlq" in text
    mappings = aws("lambda").list_event_source_mappings(FunctionName=world.consumer)["EventSourceMappings"]
    assert any(m["EventSourceArn"].endswith(f":{queue}") and m["BatchSize"] == 5 for m in mappings)
    url = aws("sqs").get_queue_url(QueueName=queue)["QueueUrl"]
    policy = aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]
    assert json.loads(policy["RedrivePolicy"])["deadLetterTargetArn"].endswith(f":{queue}-dlq")


async def test_pipeline_wizard_builds_the_seed_part2_and_undoes_it(world: World, aws: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    bucket, queue = f"wiz-pipe-{tag}", f"wiz-pipe-q-{tag}"
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "b", PipelineWizard)
        await type_into(pilot, "bucket", bucket)
        await type_into(pilot, "queue", queue)
        await type_into(pilot, "function", world.consumer)
        await wait_for(pilot, lambda: "(new)" in plan_text(wizard), what="the plan")
        assert f"DLQ {queue}-dlq (new)" in plan_text(wizard)
        text = await apply(pilot, wizard)
        assert f"{bucket} → {queue} → {world.consumer}" in text
        config = aws("s3").get_bucket_notification_configuration(Bucket=bucket)
        assert config["QueueConfigurations"][0]["QueueArn"].endswith(f":{queue}")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "↶" in plan_text(wizard), timeout=30, what="the undo")
    with pytest.raises(aws("sqs").exceptions.QueueDoesNotExist):
        aws("sqs").get_queue_url(QueueName=queue)


async def test_upload_wizard_uploads_and_burst_accounts_for_every_event(world: World, aws: Any, tmp_path: Path) -> None:
    (tmp_path / "test.txt").write_text("Hello LocalStack\n")
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "u", UploadWizard)
        wizard.query_one("#paths", Input).value = str(tmp_path / "test.txt")
        await type_into(pilot, "bucket", world.bucket)
        await type_into(pilot, "prefix", "wizard")
        text = await apply(pilot, wizard)
        assert f"uploaded 1 file (17 B) to s3://{world.bucket}/wizard/" in text
        assert aws("s3").get_object(Bucket=world.bucket, Key="wizard/test.txt")["Body"].read() == b"Hello LocalStack\n"
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "deleted 1 uploaded object" in plan_text(wizard), what="the undo")

    # Burst: into the images/ prefix, which the world's bucket sends to its queue → consumer.
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "u", UploadWizard)
        wizard.query_one("#burst", Checkbox).value = True
        await type_into(pilot, "bucket", world.bucket)
        await type_into(pilot, "prefix", "images/burst")
        await type_into(pilot, "count", "20")
        await type_into(pilot, "concurrency", "8")
        await type_into(pilot, "function", world.consumer)
        await type_into(pilot, "queue", world.queue)
        await type_into(pilot, "dlq", world.dlq)
        text = await apply(pilot, wizard)
        assert "uploaded 20 of 20 objects" in text
        assert "= 20 of 20" in text and "not found anywhere" not in text


async def test_invoke_wizard_with_the_s3_template(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "i", InvokeWizard)
        await type_into(pilot, "function", world.function)
        wizard.query_one("#template", Select).value = "s3"
        await pilot.pause(0.3)
        text = await apply(pilot, wizard)
        assert "status 200" in text and 'result: {"ok": true}' in text
        assert "handled 1" in text  # the handler's print, from the log tail


async def test_wizards_are_in_the_palette_by_name(world: World) -> None:
    from localstack_tui.ui.app import LstuiCommands

    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen), what="main")
        provider = LstuiCommands(pilot.app.screen, None)  # type: ignore[arg-type]
        names = [name for name, _, _ in provider._commands()]
        for name in (
            "New bucket",
            "Deploy handler",
            "Wire trigger",
            "Build S3 → SQS → Lambda pipeline",
            "Upload files",
            "Invoke function",
        ):
            assert name in names


async def test_upload_wizard_cancel_half_way_leaves_no_part_behind(world: World, aws: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as file:  # sparse: big enough that the cancel always lands half-way
        file.truncate(512 * 1024 * 1024)
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "u", UploadWizard)
        wizard.query_one("#paths", Input).value = str(big)
        await type_into(pilot, "bucket", world.bucket)
        await pilot.press("ctrl+s")
        bar = wizard.query_one("#progress")
        await wait_for(pilot, lambda: (bar.progress or 0) > 0, what="the upload under way")
        await pilot.press("escape")  # cancel, half-way
        await wait_for(pilot, lambda: not wizard.running, timeout=60, what="the cancel")
        assert "cancel" in plan_text(wizard).lower()
    s3 = aws("s3")
    assert not s3.list_multipart_uploads(Bucket=world.bucket).get("Uploads"), "no part upload left behind"
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket=world.bucket, Key="big.bin")


async def test_deploy_wizard_update_is_undone_to_the_previous_code(
    world: World, clients: AwsClients, tmp_path: Path
) -> None:
    from localstack_tui.core.functions import DeploySpec, deploy_function, invoke_function

    name = f"wiz-upd-{uuid.uuid4().hex[:6]}"
    old = tmp_path / "old" / "lambda_function.py"
    old.parent.mkdir()
    old.write_text("def lambda_handler(event, context):\n    return 'old'\n")
    deploy_function(clients, DeploySpec(old.parent, name, timeout=5))
    new = tmp_path / "new" / "lambda_function.py"
    new.parent.mkdir()
    new.write_text("def lambda_handler(event, context):\n    return 'new'\n")
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: name in choices_of(app.screen).functions, timeout=30, what="the function listed")
        wizard = await open_wizard(pilot, world, "d", DeployWizard)
        wizard.query_one("#source", Input).value = str(new.parent)
        await type_into(pilot, "name", name)
        await type_into(pilot, "timeout", "5")
        await wait_for(pilot, lambda: f"update function {name}" in plan_text(wizard), what="the update plan")
        text = await apply(pilot, wizard)
        assert f"{name} updated" in text
        assert invoke_function(clients, name).payload == '"new"'
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "restored" in plan_text(wizard), timeout=30, what="the undo")
    assert invoke_function(clients, name).payload == '"old"'


async def test_deploy_wizard_reports_its_steps_then_offers_to_watch_the_source(
    world: World, clients: AwsClients, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from localstack_tui.core.devloop import bound_source
    from localstack_tui.core.functions import invoke_function
    from localstack_tui.ui.widgets.function_detail import FunctionDetail

    monkeypatch.setenv("LSTUI_STATE_DIR", str(tmp_path / "state"))
    source = tmp_path / "lambda_function.py"
    source.write_text("def lambda_handler(event, context):\n    return {'version': 1}\n")
    name = f"wiz-watch-{uuid.uuid4().hex[:6]}"
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "d", DeployWizard)
        main = pilot.app.screen_stack[-2]
        wizard.query_one("#source", Input).value = str(source)
        await type_into(pilot, "name", name)
        await wait_for(pilot, lambda: f"create function {name}" in plan_text(wizard), what="the plan")
        await apply(pilot, wizard)
        assert wizard.steps[0].startswith("syntax-checked and zipped 1 file")
        assert f"creating function {name}" in wizard.steps and "waiting until it is Active" in wizard.steps
        offered = [button.label.plain for button in wizard.query(".wizard-next-step").results(Button)]
        assert offered == ["Invoke it now", "Watch the source: redeploy on save"]
        assert pilot.app.focused is not None and pilot.app.focused.name == "invoke"
        await pilot.press("tab", "enter")  # the second offer, from the keyboard
        await wait_for(pilot, lambda: pilot.app.screen is main, what="the wizard closed")
        detail = await mounted(pilot, main, FunctionDetail)
        await wait_for(pilot, lambda: name in detail.loops, what="watching")
        assert bound_source(world.endpoint, name) == str(source.resolve())
        await wait_for(pilot, lambda: detail.name_shown == name, timeout=30, what="the new function shown")
        await wait_for(
            pilot, lambda: any(e.kind == "unchanged" for e in detail.history.get(name, [])), what="the first check"
        )
        source.write_text("def lambda_handler(event, context):\n    return {'version': 2}\n")
        await wait_for(
            pilot, lambda: invoke_function(clients, name).payload == '{"version": 2}', timeout=20, what="redeployed"
        )


async def test_deploy_wizard_offers_to_invoke_the_new_function(
    world: World, clients: AwsClients, tmp_path: Path
) -> None:
    source = tmp_path / "lambda_function.py"
    source.write_text(HANDLER)
    name = f"wiz-inv-{uuid.uuid4().hex[:6]}"
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "d", DeployWizard)
        wizard.query_one("#source", Input).value = str(source)
        await type_into(pilot, "name", name)
        await wait_for(pilot, lambda: f"create function {name}" in plan_text(wizard), what="the plan")
        await apply(pilot, wizard)
        await wait_for(pilot, lambda: getattr(pilot.app.focused, "name", None) == "invoke", what="the offer")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, InvokeWizard), what="the invoke wizard")
        invoke = pilot.app.screen
        assert invoke.query_one("#function", Input).value == name


async def test_wire_wizard_offers_a_dlq_only_to_a_queue_without_one(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="main")
        await wait_for(pilot, lambda: world.queue in choices_of(app.screen).redrives, timeout=30, what="the queues")
        dlq_name, receives = choices_of(app.screen).redrives[world.queue]
        wizard = await open_wizard(pilot, world, "w", WireWizard)
        wizard.query_one("#link", RadioSet).query(RadioButton)[2].value = True
        await pilot.pause()
        await type_into(pilot, "queue", world.queue)
        offer, has = wizard.query_one("#make-dlq", Checkbox), wizard.query_one("#has-dlq")
        assert not offer.display and has.display
        assert f"already sends failures to {dlq_name} after {receives} receives" in str(has.render())
        await type_into(pilot, "function", world.consumer)
        await wait_for(pilot, lambda: "create an event source mapping" in plan_text(wizard), what="the plan")
        assert "dead-letter" not in plan_text(wizard)
        await type_into(pilot, "queue", world.dlq)  # a queue with no DLQ of its own
        assert offer.display and not has.display


async def test_deploy_wizard_update_keeps_what_it_was_not_told_to_change(
    world: World, clients: AwsClients, tmp_path: Path
) -> None:
    from localstack_tui.core.functions import DeploySpec, deploy_function

    source = tmp_path / "lambda_function.py"
    source.write_text(HANDLER)
    name = f"wiz-keep-{uuid.uuid4().hex[:6]}"
    deploy_function(
        clients,
        DeploySpec(source, name, runtime="python3.9", memory=256, timeout=7, environment={"API_KEY": "sk-1"}),
    )
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="main")
        await wait_for(pilot, lambda: name in choices_of(app.screen).functions, timeout=30, what="the function listed")
        wizard = await open_wizard(pilot, world, "d", DeployWizard)
        source.write_text(HANDLER + "\n# changed\n")
        wizard.query_one("#source", Input).value = str(source)
        await type_into(pilot, "name", name)
        # Its settings are filled in from the function, not the defaults.
        await wait_for(pilot, lambda: wizard.query_one("#memory", Input).value == "256", what="the current settings")
        assert wizard.query_one("#runtime", Input).value == "python3.9"
        assert wizard.query_one("#timeout", Input).value == "7"
        assert wizard.query_one("#env", Input).value == "", "secrets are not shown"
        await wait_for(pilot, lambda: f"update function {name}" in plan_text(wizard), what="the plan")
        text = await apply(pilot, wizard)
        assert f"{name} updated" in text
    info = get_function(clients, name)
    assert (info.runtime, info.memory, info.timeout) == ("python3.9", 256, 7)
    assert info.environment == {"API_KEY": "sk-1"}, "an empty environment field keeps the variables"


async def test_new_bucket_wizard_creates_shows_and_undoes(world: World, aws: Any) -> None:
    """The seed's first step with `n`: the bucket made, selected in the list, and undone while empty."""
    name = f"wiz-bucket-{uuid.uuid4().hex[:6]}"
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        wizard = await open_wizard(pilot, world, "n", BucketWizard)
        await type_into(pilot, "name", name)
        await wait_for(pilot, lambda: f"create bucket {name} in us-east-1" in plan_text(wizard), what="the plan")
        assert f"created bucket {name}" in await apply(pilot, wizard)
        aws("s3").head_bucket(Bucket=name)
        main = pilot.app.screen_stack[-2]
        buckets = main.query_one(BucketList)
        await wait_for(pilot, lambda: buckets.selected is not None and buckets.selected.name == name, what="revealed")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: f"deleted bucket {name}" in plan_text(wizard), what="the undo")
    assert name not in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
