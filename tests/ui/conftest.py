"""A world of real resources in the session's LocalStack, for the UI tests."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

from localstack_tui.core.config import Config
from localstack_tui.core.connection import AwsClients, Connection
from localstack_tui.core.functions import DeploySpec, deploy_function
from localstack_tui.core.wiring import wire_dlq, wire_s3_to_lambda, wire_s3_to_sqs, wire_sqs_to_lambda
from localstack_tui.ui.app import LstuiApp
from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.widgets.resource_list import ResourceList
from tests.conftest import RunningServer

HANDLER = (
    "def lambda_handler(event, context):\n"
    '    print("handled", len(event.get("Records", [])))\n'
    '    return {"ok": True}\n'
)


@dataclass(frozen=True)
class World:
    bucket: str
    queue: str
    dlq: str
    function: str
    consumer: str
    endpoint: str


@pytest.fixture(scope="session")
def world(server: RunningServer, clients: AwsClients, aws: Any, tmp_path_factory: pytest.TempPathFactory) -> World:
    tag = uuid.uuid4().hex[:6]
    bucket, queue, function, consumer = f"ui-bucket-{tag}", f"ui-events-{tag}", f"ui-fn-{tag}", f"ui-consumer-{tag}"
    s3, sqs = aws("s3"), aws("sqs")
    s3.create_bucket(Bucket=bucket)
    for key in ("test.txt", "docs/readme.md", "docs/guide/intro.md", "images/cat.jpg"):
        s3.put_object(
            Bucket=bucket, Key=key, Body=b"Hello LocalStack\n" if not key.endswith(".jpg") else bytes(range(256))
        )
    source: Path = tmp_path_factory.mktemp("ui-src") / "lambda_function.py"
    source.write_text(HANDLER)
    deploy_function(
        clients, DeploySpec(source, function, runtime="python3.9", environment={"API_KEY": "sk-secret-123"})
    )
    deploy_function(clients, DeploySpec(source, consumer, timeout=10))
    sqs.create_queue(QueueName=queue)
    wire_dlq(clients, queue, f"{queue}-dlq", max_receive_count=3)
    wire_s3_to_lambda(clients, bucket, function, prefix="docs/")
    wire_s3_to_sqs(clients, bucket, queue, prefix="images/")
    wire_sqs_to_lambda(clients, queue, consumer)
    # EventBridge on top, set by hand as a user would: lstui must show (and keep) it.
    config = s3.get_bucket_notification_configuration(Bucket=bucket)
    config.pop("ResponseMetadata", None)
    config["EventBridgeConfiguration"] = {}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    dlq_url = sqs.get_queue_url(QueueName=f"{queue}-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=dlq_url, MessageBody=json.dumps({"order": 42, "status": "failed"}))
    aws("lambda").invoke(FunctionName=function, Payload=b"{}")
    return World(bucket, queue, f"{queue}-dlq", function, consumer, server.endpoint_url)


def make_app(endpoint: str, config: Config | None = None) -> LstuiApp:
    return LstuiApp(
        Connection(endpoint_url=endpoint, access_key_id="test", secret_access_key="test"), config or Config()
    )


async def wait_for(
    pilot: Pilot[Any],
    predicate: Callable[[], Any],
    timeout: float = 20.0,
    what: str = "",
    on_timeout: Callable[[], str] | None = None,
) -> Any:
    """Let the app run until `predicate()` is truthy; `on_timeout` says what was seen instead."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            seen = f": {on_timeout()}" if on_timeout is not None else ""
            raise AssertionError(f"timed out waiting for {what or predicate}{seen}")
        await pilot.pause(0.1)


async def main_screen(pilot: Pilot[Any], timeout: float = 20.0) -> MainScreen:
    """The main screen once its lists are mounted: pushed is not enough, they compose a moment later."""

    def composed() -> MainScreen | None:
        screen = pilot.app.screen
        if not isinstance(screen, MainScreen):
            return None
        lists = screen.query(ResourceList)
        return screen if len(lists) == 3 and all(pane.is_mounted for pane in lists) else None

    found: MainScreen = await wait_for(pilot, composed, timeout=timeout, what="the main screen")
    return found


async def mounted[W: Widget](pilot: Pilot[Any], screen: Screen[Any], kind: type[W]) -> W:
    """The screen's widget of that kind once it is mounted (the queue and function details mount after the lists)."""
    found: W = await wait_for(
        pilot,
        lambda: next((w for w in screen.query(kind).results(kind) if w.is_mounted), None),
        what=f"a mounted {kind.__name__}",
    )
    return found


AsyncCheck = Callable[[Pilot[Any]], Awaitable[None]]
