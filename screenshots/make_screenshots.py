"""Make the SVG screenshots in this folder from real data.

Run:  uv run python screenshots/make_screenshots.py

Starts an embedded LocalStack on a free port, builds the seed tutorial's two
pipelines in it through lstui's core (S3 → Lambda; S3 → SQS → Lambda with a
DLQ), runs the explorer headless at 160×48 and saves one SVG per screen.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from textual.widgets import Checkbox, Input, Select

from localstack_tui.core.config import Config
from localstack_tui.core.connection import AwsClients, Connection
from localstack_tui.core.functions import DeploySpec, deploy_function
from localstack_tui.core.wiring import MappingSettings, wire_dlq, wire_s3_to_lambda, wire_s3_to_sqs, wire_sqs_to_lambda
from localstack_tui.ui.app import LstuiApp
from localstack_tui.ui.screens.flow_map import FlowMapScreen
from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.screens.no_localstack import NoLocalStackScreen
from localstack_tui.ui.widgets.bucket_detail import BucketDetail
from localstack_tui.ui.widgets.flow_view import FlowView
from localstack_tui.ui.widgets.function_detail import FunctionDetail
from localstack_tui.ui.widgets.lists import BucketList, FunctionList, QueueList
from localstack_tui.ui.widgets.queue_detail import QueueDetail
from localstack_tui.ui.wizards.deploy import DeployWizard
from localstack_tui.ui.wizards.invoke import InvokeWizard
from localstack_tui.ui.wizards.pipeline import PipelineWizard
from localstack_tui.ui.wizards.upload import UploadWizard
from localstack_tui.ui.wizards.wire import WireWizard

HERE = Path(__file__).resolve().parent
SIZE = (160, 48)
SEED_HANDLER = """import json


def lambda_handler(event, context):
    for record in event.get("Records", []):
        if "s3" in record:
            print(f"Received S3 event: {record['eventName']} s3://{record['s3']['bucket']['name']}/{record['s3']['object']['key']}")
        else:
            body = json.loads(record["body"])
            for inner in body.get("Records", []):
                key = inner["s3"]["object"]["key"]
                if key.startswith("bad/"):
                    raise ValueError(f"cannot process {key}")
                print(f"processed {key}")
    return {"statusCode": 200}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstack_tui.cli", "server", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "ready at" in line:
            return process, f"http://127.0.0.1:{port}"
    raise RuntimeError("lstui server did not start")


SOURCE = Path(tempfile.gettempdir()) / "lstui-shots-src" / "lambda_function.py"


def seed(endpoint: str, work: Path) -> None:
    """The seed tutorial's world: Part 1 and Part 2, wired by lstui's core."""
    clients = AwsClients(Connection(endpoint_url=endpoint, access_key_id="test", secret_access_key="test"))
    kw: dict[str, Any] = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
    }
    s3, sqs = boto3.client("s3", **kw), boto3.client("sqs", **kw)
    source = SOURCE
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(SEED_HANDLER)
    deploy_function(
        clients,
        DeploySpec(
            source, "my-s3-lambda", runtime="python3.9", environment={"STAGE": "dev", "API_KEY": "sk-live-1234"}
        ),
    )
    deploy_function(clients, DeploySpec(source, "burst-consumer", runtime="python3.9", timeout=10))
    for bucket in ("demo-bucket", "burst-bucket", "static-assets"):
        s3.create_bucket(Bucket=bucket)
    sqs.create_queue(QueueName="burst-queue", Attributes={"VisibilityTimeout": "10"})
    wire_dlq(clients, "burst-queue", "burst-dlq", max_receive_count=2)
    wire_s3_to_lambda(clients, "demo-bucket", "my-s3-lambda")
    wire_s3_to_sqs(clients, "burst-bucket", "burst-queue")
    # One message a batch: a failing key must not drag good ones to the DLQ.
    wire_sqs_to_lambda(clients, "burst-queue", "burst-consumer", MappingSettings(batch_size=1))
    # A broken link for the map to point at: a notification to a function deleted since.
    deploy_function(clients, DeploySpec(source, "old-thumbnailer"))
    wire_s3_to_lambda(clients, "static-assets", "old-thumbnailer", ["s3:ObjectCreated:Put"], suffix=".png")
    boto3.client(
        "lambda", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    ).delete_function(FunctionName="old-thumbnailer")
    for key, body in {
        "test.txt": b"Hello LocalStack\n",
        "docs/README.md": b"# demo\nUploaded by the seed tutorial.\n",
        "docs/guide/setup.md": b"aws --endpoint-url=http://localhost:4566 ...\n",
        "data/orders.json": json.dumps({"order": 42, "items": [1, 2, 3]}, indent=2).encode(),
        "images/logo.png": bytes(range(256)) * 4,
    }.items():
        s3.put_object(Bucket="demo-bucket", Key=key, Body=body)
    for i in range(6):
        s3.put_object(Bucket="burst-bucket", Key=f"good/file-{i:03}.txt", Body=b"ok")
    s3.put_object(Bucket="burst-bucket", Key="bad/file-000.txt", Body=b"boom")
    # Let the failing message reach the DLQ (two receives, 10 s visibility).
    dlq = sqs.get_queue_url(QueueName="burst-dlq")["QueueUrl"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        count = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        if int(count["ApproximateNumberOfMessages"]) >= 1:
            break
        time.sleep(1)


async def wait(pilot: Any, predicate: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(str(predicate))
        await pilot.pause(0.1)


async def shoot(endpoint: str) -> list[Path]:
    saved: list[Path] = []
    app = LstuiApp(Connection(endpoint_url=endpoint, access_key_id="test", secret_access_key="test"), Config())
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: isinstance(app.screen, MainScreen))
        main = app.screen
        assert isinstance(main, MainScreen)
        await wait(
            pilot,
            lambda: (
                len(main.query_one(BucketList).items) == 3
                and len(main.query_one(QueueList).items) == 2
                and len(main.query_one(FunctionList).items) == 2
            ),
        )

        def save(name: str) -> None:
            path = HERE / f"{name}.svg"
            app.save_screenshot(str(path))
            saved.append(path)

        main.jump_to("bucket", "demo-bucket")
        detail = main.query_one(BucketDetail)
        await wait(pilot, lambda: detail.config is not None and len(detail.query_one("Tree").root.children) >= 4)
        tree: Any = detail.query_one("Tree")
        docs = next(node for node in tree.root.children if str(node.label.plain) == "docs/")
        docs.expand()
        await wait(pilot, lambda: len(docs.children) >= 2)
        readme = next(node for node in docs.children if str(node.label.plain).startswith("README"))
        tree.move_cursor(readme)
        await pilot.pause(1.0)
        save("main-bucket")

        queue = next(q for q in main.query_one(QueueList).items if q.name == "burst-dlq")
        main.jump_to("queue", queue.url)
        queue_detail = main.query_one(QueueDetail)
        await wait(
            pilot,
            lambda: queue_detail.queue is not None and queue_detail.queue.name == "burst-dlq" and queue_detail.messages,
        )
        await pilot.pause(0.8)
        save("queue-dlq")

        main.jump_to("function", "burst-consumer")
        function = main.query_one(FunctionDetail)
        await wait(pilot, lambda: function.view is not None and function.view.info.name == "burst-consumer")
        await pilot.pause(1.5)
        save("function-logs")

        await pilot.press("question_mark")
        await pilot.pause(0.5)
        save("help")
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        for char in "burst":
            await pilot.press(char)
        await pilot.pause(0.5)
        save("palette")
        await pilot.press("escape")
        await pilot.pause(0.3)

        main.jump_to("bucket", "demo-bucket")
        await wait(pilot, lambda: main.query_one(BucketDetail).bucket == "demo-bucket")
        await pilot.press("w")
        await wait(pilot, lambda: isinstance(app.screen, WireWizard))
        wizard = app.screen
        assert isinstance(wizard, WireWizard)
        wizard.query_one("#function", Input).value = "burst-consumer"
        wizard.query_one("#prefix", Input).value = "reports/"
        wizard.query_one("#suffix", Input).value = ".csv"
        await pilot.pause(1.0)
        save("wizard-wire")
        await pilot.press("escape")
        await pilot.pause(0.3)
        await pilot.press("b")
        await wait(pilot, lambda: isinstance(app.screen, PipelineWizard))
        pipeline = app.screen
        for field_id, value in (("bucket", "uploads-bucket"), ("queue", "uploads"), ("function", "burst-consumer")):
            pipeline.query_one(f"#{field_id}", Input).value = value
        await pilot.pause(0.5)
        save("wizard-pipeline")
        await pilot.press("escape")
        await pilot.pause(0.3)

        main.jump_to("function", "my-s3-lambda")
        await wait(pilot, lambda: main.query_one(FunctionDetail).name_shown == "my-s3-lambda")
        await pilot.press("d")
        await wait(pilot, lambda: isinstance(app.screen, DeployWizard))
        app.screen.query_one("#source", Input).value = str(SOURCE)
        app.screen.query_one("#runtime", Input).value = "python3.9"
        await pilot.pause(0.6)
        deploy = app.screen
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: deploy.outcome is not None, timeout=60)
        await pilot.pause(0.6)
        save("wizard-deploy")
        await pilot.press("escape")
        await pilot.pause(0.3)
        await pilot.press("i")
        await wait(pilot, lambda: isinstance(app.screen, InvokeWizard))
        invoke = app.screen
        invoke.query_one("#template", Select).value = "s3"
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: invoke.outcome is not None)
        await pilot.pause(0.3)
        save("wizard-invoke")
        await pilot.press("escape")
        await pilot.pause(0.3)

        main.jump_to("bucket", "burst-bucket")
        await wait(pilot, lambda: main.query_one(BucketDetail).bucket == "burst-bucket")
        await pilot.press("u")
        await wait(pilot, lambda: isinstance(app.screen, UploadWizard))
        upload = app.screen
        upload.query_one("#burst", Checkbox).value = True
        for field_id, value in (
            ("prefix", "good/burst"),
            ("count", "50"),
            ("function", "burst-consumer"),
            ("queue", "burst-queue"),
            ("dlq", "burst-dlq"),
        ):
            upload.query_one(f"#{field_id}", Input).value = value
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: upload.outcome is not None, timeout=120)
        await pilot.pause(0.3)
        save("wizard-upload-burst")
        await pilot.press("escape")
        await pilot.pause(0.3)

        await pilot.press("e")
        await wait(
            pilot,
            lambda: (
                isinstance(app.screen, FlowMapScreen)
                and bool(app.screen.query(FlowView))
                and app.screen.query_one(FlowView).builds >= 1
            ),
            timeout=60,
        )
        await pilot.pause(0.3)
        save("flow-map")
        await pilot.press("escape")

    offline = LstuiApp(
        Connection(endpoint_url="http://127.0.0.1:9", access_key_id="test", secret_access_key="test"), Config()
    )
    async with offline.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: isinstance(offline.screen, NoLocalStackScreen))
        await pilot.pause(0.3)
        path = HERE / "no-localstack.svg"
        offline.save_screenshot(str(path))
        saved.append(path)
    return saved


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lstui-shots-") as tmp:
        process, endpoint = start_server(Path(tmp) / "data")
        try:
            seed(endpoint, Path(tmp))
            for path in asyncio.run(shoot(endpoint)):
                print(f"saved {path.relative_to(HERE.parent)}")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
