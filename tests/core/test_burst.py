"""The seed's burst through a real S3 → SQS → Lambda pipeline, and its accounting."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from localstack_tui.core.burst import account_burst, burst_upload
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import ValidationError
from localstack_tui.core.wiring import PipelineSpec, build_pipeline
from tests.embedded.lambda_helpers import create_function

PRINTS_KEYS = """
import json

def lambda_handler(event, context):
    for message in event["Records"]:
        for record in json.loads(message["body"]).get("Records", []):
            print("processed", record["s3"]["object"]["key"])
"""


def test_burst_is_accounted_for_key_by_key(clients: AwsClients, aws: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    function = create_function(aws("lambda"), {"lambda_function.py": PRINTS_KEYS}, timeout=5)
    bucket, queue = f"burst-{tag}", f"burst-q-{tag}"
    build_pipeline(clients, PipelineSpec(bucket, queue, f"{queue}-dlq", function, batch_size=1))
    seen: list[int] = []
    result = burst_upload(clients, bucket, 30, concurrency=16, progress=seen.append)
    assert len(result.keys) == 30 and not result.failed and max(seen) == 30
    deadline = time.monotonic() + 60
    while True:
        account = account_burst(clients, result, function, queue, f"{queue}-dlq")
        if account.seen_in_logs == frozenset(result.keys) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert account.complete and account.seen_in_logs == frozenset(result.keys)
    assert account.summary().startswith("30 processed + 0 in the DLQ + 0 still queued = 30 of 30")
    # batch size 1 and a handler that never fails: one invocation per key, none retried, and one
    # more for the s3:TestEvent S3 sends when the notification is configured (if it was not consumed
    # before the burst began)
    assert account.invocations in (30, 31)
    assert f"the function ran {account.invocations} times" in account.summary()


@pytest.mark.parametrize(
    ("count", "workers", "message"), [(0, 4, "burst size"), (10, 0, "concurrency"), (10, 65, "concurrency")]
)
def test_bad_burst_input(clients: AwsClients, count: int, workers: int, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        burst_upload(clients, "some-bucket", count, workers)
