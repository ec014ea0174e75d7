"""`lstui burst`: the seed's Part 2 under a burst — nothing lost, every key accounted for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.wiring import PipelineSpec, build_pipeline
from tests.cli.test_cli import lstui, one_line_error, uid
from tests.conftest import RunningServer
from tests.embedded.lambda_helpers import create_function

# Every tenth key fails (its message is reported as a batch item failure, retried, then sent to
# the DLQ); the others print their key, which is how the account finds them in the logs.
FAILS_ONE_IN_TEN = """
import json

def lambda_handler(event, context):
    failures = []
    for message in event["Records"]:
        for record in json.loads(message["body"]).get("Records", []):
            key = record["s3"]["object"]["key"]
            if int(key.rsplit("-", 1)[1].split(".")[0]) % 10 == 0:
                failures.append({"itemIdentifier": message["messageId"]})
            else:
                print("processed", key)
    return {"batchItemFailures": failures}
"""


def test_a_thousand_uploads_through_the_seed_pipeline_lose_nothing(
    server: RunningServer, clients: AwsClients, aws: Any
) -> None:
    function = create_function(aws("lambda"), {"lambda_function.py": FAILS_ONE_IN_TEN}, timeout=3)
    bucket, queue = uid("burst1k"), uid("burst1k-q")
    # Short visibility, two receives: a failing message reaches the DLQ in seconds, not minutes.
    aws("sqs").create_queue(QueueName=queue, Attributes={"VisibilityTimeout": "3"})
    build_pipeline(
        clients,
        PipelineSpec(
            bucket, queue, f"{queue}-dlq", function, max_receive_count=2, batch_size=10, report_batch_item_failures=True
        ),
    )
    result = lstui(
        server, "burst", "--bucket", bucket, "--count", "1000", "--concurrency", "32", "--wait", "240", timeout=300
    )
    out = result.stdout
    print(out)
    assert result.returncode == 0, out + result.stderr
    assert f"wiring: {bucket} → {queue} → {function} (DLQ {queue}-dlq)" in out
    assert re.search(r"^uploaded 1000 of 1000 in [\d.]+ s \(\d+/s\)$", out, re.M), out
    final = [line for line in out.splitlines() if not line.startswith(("  ", "wiring", "uploaded"))]
    assert final[0].startswith("900 processed + 100 in the DLQ + 0 still queued = 1000 of 1000"), out
    assert re.search(r"^upload → the handler's line: p50 \d+ ms, p99 \d+ ms \(900 keys\)$", out, re.M), out
    assert final[-1] == "lost: 0"


def test_burst_bad_input(server: RunningServer, tmp_path: Path) -> None:
    assert "no bucket named" in one_line_error(lstui(server, "burst", "--bucket", uid("nothing-here")))
    assert one_line_error(lstui(server, "burst", "--bucket", "some-bucket", "--count", "0")) == (
        "lstui burst: the burst size must be 1 to 100000, not 0"
    )
    assert one_line_error(lstui(server, "burst", "--bucket", "some-bucket", "--concurrency", "65")) == (
        "lstui burst: concurrency must be 1 to 64, not 65"
    )
    assert one_line_error(lstui(server, "burst", "--bucket", "Bad_Bucket")).startswith("lstui burst: ")
    missing = tmp_path / "missing.bin"
    assert one_line_error(lstui(server, "burst", "--bucket", "b-x", "--file", str(missing))).startswith(
        f"lstui burst: cannot read {missing}"
    )
