"""The headless CLI, run as a user runs it, against the session's embedded server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningServer

SEED = 'def lambda_handler(event, context):\n    print("Received event:", event)\n    return {"statusCode": 200}\n'


def lstui(
    server: RunningServer | None, *args: str, endpoint_first: bool = True, timeout: float = 120, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    endpoint = ["--endpoint-url", server.endpoint_url] if server else []
    argv = [*endpoint, *args] if endpoint_first else [*args, *endpoint]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["LSTUI_CONFIG"] = "/nonexistent/lstui.toml"
    return subprocess.run(
        [sys.executable, "-m", "localstack_tui.cli", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kwargs,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_status(server: RunningServer) -> None:
    out = ok(lstui(server, "status"))
    assert f"endpoint    {server.endpoint_url} (local)" in out
    assert "LocalStack  2026.3.0" in out
    assert "lambda" in out and "buckets" in out and "functions" in out


def test_the_seed_part1_headless(server: RunningServer, aws: Any, tmp_path: Path) -> None:
    (tmp_path / "lambda_function.py").write_text(SEED)
    bucket, function = uid("demo-bucket"), uid("my-s3-lambda")
    aws("s3").create_bucket(Bucket=bucket)
    out = ok(
        lstui(server, "deploy", str(tmp_path / "lambda_function.py"), "--function", function, "--runtime", "python3.9")
    )
    assert f"{function} created in" in out
    out = ok(lstui(server, "wire", "s3-lambda", "--bucket", bucket, "--function", function))
    assert "added notification entry" in out
    out = ok(lstui(server, "wire", "s3-lambda", "--bucket", bucket, "--function", function, endpoint_first=False))
    assert "already wired, nothing changed" in out
    (tmp_path / "test.txt").write_text("Hello LocalStack\n")
    out = ok(lstui(server, "upload", str(tmp_path / "test.txt"), "--bucket", bucket))
    assert f"uploaded 1 file (17 bytes) to s3://{bucket}/" in out
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        out = ok(lstui(server, "logs", function, "--since", "5m"))
        if "test.txt" in out:
            break
        time.sleep(0.3)
    assert "Received event:" in out and "test.txt" in out and "START RequestId" in out

    out = ok(lstui(server, "logs", function, "--since", "5m", "--filter", "REPORT"))
    assert out.strip() and all("REPORT RequestId" in line for line in out.strip().splitlines())

    out = ok(lstui(server, "unwire", "s3-lambda", "--bucket", bucket, "--function", function))
    assert "removed notification entry" in out
    assert "LambdaFunctionConfigurations" not in aws("s3").get_bucket_notification_configuration(Bucket=bucket)


def test_the_seed_part2_wiring_headless(server: RunningServer, aws: Any, tmp_path: Path) -> None:
    (tmp_path / "lambda_function.py").write_text(SEED)
    bucket, queue, function = uid("burst"), uid("events"), uid("consumer")
    aws("s3").create_bucket(Bucket=bucket)
    aws("sqs").create_queue(QueueName=queue)
    ok(lstui(server, "deploy", str(tmp_path), "--function", function, "--env", "STAGE=dev", "--timeout", "10"))
    out = ok(lstui(server, "wire", "dlq", "--queue", queue, "--dlq", f"{queue}-dlq", "--max-receive-count", "2"))
    assert f"created queue {queue}-dlq" in out
    ok(
        lstui(
            server,
            "wire",
            "s3-sqs",
            "--bucket",
            bucket,
            "--queue",
            queue,
            "--event",
            "s3:ObjectCreated:Put",
            "--suffix",
            ".txt",
        )
    )
    out = ok(lstui(server, "wire", "sqs-lambda", "--queue", queue, "--function", function, "--batch-size", "5"))
    assert "created event source mapping" in out
    config = aws("s3").get_bucket_notification_configuration(Bucket=bucket)
    assert config["QueueConfigurations"][0]["Events"] == ["s3:ObjectCreated:Put"]
    mappings = aws("lambda").list_event_source_mappings(FunctionName=function)["EventSourceMappings"]
    assert mappings[0]["BatchSize"] == 5
    assert aws("lambda").get_function_configuration(FunctionName=function)["Environment"]["Variables"] == {
        "STAGE": "dev"
    }

    ok(lstui(server, "unwire", "sqs-lambda", "--queue", queue, "--function", function))
    ok(
        lstui(
            server,
            "unwire",
            "s3-sqs",
            "--bucket",
            bucket,
            "--queue",
            queue,
            "--event",
            "s3:ObjectCreated:Put",
            "--suffix",
            ".txt",
        )
    )
    ok(lstui(server, "unwire", "dlq", "--queue", queue))
    assert aws("lambda").list_event_source_mappings(FunctionName=function)["EventSourceMappings"] == []


def test_invoke(server: RunningServer, tmp_path: Path) -> None:
    (tmp_path / "lambda_function.py").write_text(SEED)
    function = uid("inv")
    ok(lstui(server, "deploy", str(tmp_path), "--function", function))
    result = lstui(server, "invoke", function, "--payload", '{"n": 1}')
    assert json.loads(ok(result)) == {"statusCode": 200}
    assert "Received event: {'n': 1}" in result.stderr
    (tmp_path / "event.json").write_text('{"from": "file"}')
    assert "'from': 'file'" in lstui(server, "invoke", function, "--payload", f"@{tmp_path / 'event.json'}").stderr
    assert "as an event" in ok(lstui(server, "invoke", function, "--async"))


def test_logs_follow_prints_new_lines_as_they_come(server: RunningServer, aws: Any, tmp_path: Path) -> None:
    (tmp_path / "lambda_function.py").write_text(SEED)
    function = uid("follow")
    ok(lstui(server, "deploy", str(tmp_path), "--function", function))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    follower = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "localstack_tui.cli",
            "logs",
            function,
            "--follow",
            "--endpoint-url",
            server.endpoint_url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        time.sleep(1.5)
        marker = uid("marker")
        aws("lambda").invoke(FunctionName=function, Payload=json.dumps({"m": marker}).encode())
        assert follower.stdout is not None
        deadline = time.monotonic() + 20
        seen = []
        while time.monotonic() < deadline:
            line = follower.stdout.readline()
            seen.append(line)
            if marker in line:
                break
        assert any(marker in line for line in seen)
    finally:
        follower.terminate()
        follower.wait(timeout=10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["wire", "s3-lambda", "--bucket", "Bad_Bucket", "--function", "f"], "invalid bucket name 'Bad_Bucket'"),
        (
            ["wire", "s3-lambda", "--bucket", "b-bucket", "--function", "f", "--event", "s3:ObjectCreated:Putt"],
            "unknown S3 event type",
        ),
        (["wire", "s3-sqs", "--bucket", "b-bucket", "--queue", "arn:aws:sqs:bad"], "malformed SQS queue ARN"),
        (["wire", "sqs-lambda", "--queue", "no-such-queue-zz", "--function", "f"], "no queue named no-such-queue-zz"),
        (["invoke", "no-such-function-zz"], "no Lambda function named no-such-function-zz"),
        (["invoke", "f", "--payload", "{oops"], "the payload is not valid JSON"),
        (["deploy", "/no/such/dir", "--function", "f"], "no such file or directory"),
        (["deploy", ".", "--function", "f", "--handler", "nodots"], "not of the form module.function"),
        (["deploy", ".", "--function", "f", "--env", "NOEQUALS"], "--env needs KEY=VALUE"),
        (["upload", "/no/such/file", "--bucket", "b-bucket"], "no such file or directory"),
        (["logs", "f", "--since", "yesterday-ish"], "cannot read 'yesterday-ish' as a time"),
        (["deploy", ".", "--function", "f", "--timeout", "abc"], "invalid int value"),
        (["wire", "dlq", "--queue", "q", "--dlq", "d", "--max-receive-count", "0"], "max receive count"),
    ],
)
def test_bad_input_is_one_clear_line(server: RunningServer, args: list[str], message: str) -> None:
    line = one_line_error(lstui(server, *args))
    assert line.startswith("lstui")
    assert message in line


def test_no_localstack_is_one_clear_line() -> None:
    line = one_line_error(lstui(None, "status", "--endpoint-url", "http://127.0.0.1:9"))
    assert line == "lstui status: no LocalStack at http://127.0.0.1:9 ([Errno 111] Connection refused)"


def test_remote_endpoint_is_read_only_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "lambda_function.py").write_text(SEED)
    line = one_line_error(
        lstui(None, "--endpoint-url", "https://aws.example.invalid", "deploy", str(tmp_path), "--function", "f")
    )
    assert "refusing to deploy function f: https://aws.example.invalid is not a local LocalStack" in line
    line = one_line_error(
        lstui(None, "wire", "dlq", "--queue", "q", "--dlq", "d", "--endpoint-url", "https://aws.example.invalid")
    )
    assert "refusing to wire a dead-letter queue" in line
    # Allowed: it gets past the guard and fails on the (unreachable) network instead.
    line = one_line_error(
        lstui(
            None,
            "--allow-remote",
            "--endpoint-url",
            "https://aws.example.invalid",
            "wire",
            "dlq",
            "--queue",
            "q",
            "--dlq",
            "d",
        )
    )
    assert "refusing" not in line


def test_map_prints_the_flow_and_mermaid(server: RunningServer, aws: Any, tmp_path: Path) -> None:
    (tmp_path / "lambda_function.py").write_text(SEED)
    bucket, queue, function = uid("mapb"), uid("mapq"), uid("mapf")
    ok(lstui(server, "deploy", str(tmp_path), "--function", function))
    aws("s3").create_bucket(Bucket=bucket)
    aws("sqs").create_queue(QueueName=queue)
    ok(lstui(server, "wire", "s3-sqs", "--bucket", bucket, "--queue", queue))
    ok(lstui(server, "wire", "sqs-lambda", "--queue", queue, "--function", function))
    out = ok(lstui(server, "map", "--only", queue, "--no-activity"))
    assert out.splitlines()[:3] == [
        f"▣ {bucket}",
        f"└──[ObjectCreated:*]──▶ ✉ {queue} (0 visible · 0 in flight)",
        f"    └──[batch 10]──▶ λ {function}",
    ]
    mermaid = ok(lstui(server, "map", "--only", function, "--format", "mermaid", "--no-activity"))
    assert mermaid.startswith("flowchart LR") and f"Function: {function}" in mermaid
    assert one_line_error(lstui(server, "map", "--only", "no-such-thing")) == (
        "lstui map: nothing named 'no-such-thing' on the map"
    )


def test_create_bucket_then_the_seed_part_1(server: RunningServer, aws: Any) -> None:
    """The seed's first step from the CLI; again, it says the bucket exists and changes nothing."""
    bucket = uid("cli-new-bucket")
    assert f"created bucket {bucket} in us-east-1" in ok(lstui(server, "create-bucket", bucket))
    aws("s3").head_bucket(Bucket=bucket)
    aws("s3").put_object(Bucket=bucket, Key="keep.txt", Body=b"mine")
    assert one_line_error(lstui(server, "create-bucket", bucket)) == (
        f"lstui create-bucket: bucket {bucket} already exists"
    )
    assert [o["Key"] for o in aws("s3").list_objects_v2(Bucket=bucket)["Contents"]] == ["keep.txt"]
    line = one_line_error(lstui(server, "create-bucket", "Bad_Bucket"))
    assert line.startswith("lstui create-bucket: ") and "Bad_Bucket" in line
    line = one_line_error(lstui(None, "create-bucket", "some-bucket", "--endpoint-url", "https://aws.example.invalid"))
    assert "refusing to create bucket some-bucket" in line
