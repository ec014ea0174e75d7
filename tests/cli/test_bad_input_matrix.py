"""Bad input to every command: a non-zero exit, one line on stderr, and nothing changed on the server.

The server first gets real resources (a bucket notifying a function and a
queue, a queue with a DLQ mapped to the function), and the bad cases aim at
them: wiring an existing bucket with an event type that does not exist must
leave its notification configuration exactly as it was.
"""

from __future__ import annotations

import difflib
import os
import pprint
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from localstack_tui.core import wiring
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.functions import DeploySpec, deploy_function
from localstack_tui.core.s3 import create_bucket
from localstack_tui.core.sqs import create_queue
from tests.cli.test_cli import SEED, lstui, one_line_error, uid
from tests.conftest import RunningServer, as_a_user, needs_unprivileged

ACCOUNT = "000000000000"
FUNCTION_KEYS = ("CodeSha256", "Handler", "Runtime", "Timeout", "MemorySize", "Environment", "Role", "LastModified")
MAPPING_KEYS = ("EventSourceArn", "FunctionArn", "BatchSize", "MaximumBatchingWindowInSeconds")


@dataclass(frozen=True)
class World:
    """The real resources the bad cases aim at, and files to feed them."""

    bucket: str  # notifies `function` (ObjectCreated:*, prefix in/) and `queue` (ObjectRemoved:*)
    spare_bucket: str  # no notification
    upload_bucket: str
    burst_bucket: str
    queue: str  # DLQ `dlq`, mapped to `function`
    dlq: str
    function: str
    source: str  # the function's source directory
    files: str  # a directory of inputs


@pytest.fixture(scope="module")
def world(server: RunningServer, clients: AwsClients, aws: Any, tmp_path_factory: pytest.TempPathFactory) -> World:
    source = tmp_path_factory.mktemp("source")
    (source / "lambda_function.py").write_text(SEED)
    files = tmp_path_factory.mktemp("inputs")
    w = World(
        bucket=uid("bad-wired"),
        spare_bucket=uid("bad-spare"),
        upload_bucket=uid("bad-upload"),
        burst_bucket=uid("bad-burst"),
        queue=uid("bad-q"),
        dlq=uid("bad-dlq"),
        function=uid("bad-fn"),
        source=str(source),
        files=str(files),
    )
    deploy_function(clients, DeploySpec(source, w.function))
    for bucket in (w.bucket, w.spare_bucket, w.upload_bucket, w.burst_bucket):
        create_bucket(clients, bucket)
        aws("s3").put_object(Bucket=bucket, Key="keep.txt", Body=b"kept\n")
    create_queue(clients, w.queue)
    wiring.wire_dlq(clients, w.queue, w.dlq)
    wiring.wire_s3_to_lambda(clients, w.bucket, w.function, ["s3:ObjectCreated:*"], prefix="in/")
    wiring.wire_s3_to_sqs(clients, w.bucket, w.queue, ["s3:ObjectRemoved:*"])
    wiring.wire_sqs_to_lambda(clients, w.queue, w.function)

    (files / "small.txt").write_text("Hello LocalStack\n")
    (files / "latin1.json").write_bytes(b'{"caf\xe9": 1}')
    (files / os.fsdecode(b"caf\xe9.txt")).write_text("not a UTF-8 name\n")
    deep = files / "deep"
    for level in range(5):
        deep = deep / f"{level}{'d' * 230}"
    deep.mkdir(parents=True)
    (deep / "leaf.txt").write_text("its key is over 1024 bytes\n")
    for name, text in {
        "broken": "def lambda_handler(event, context)\n    return 1\n",
        "changed": SEED + "# changed\n",
        "nested": "x = a" + ".b" * 100_000 + "\n",
    }.items():
        (files / name).mkdir()
        (files / name / "lambda_function.py").write_text(text)
    return w


def snapshot(aws: Any, w: World) -> dict[str, Any]:
    """What bad input must not change: buckets, notifications, objects, queues, functions, mappings."""
    s3, sqs, lam = aws("s3"), aws("sqs"), aws("lambda")
    buckets = sorted(bucket["Name"] for bucket in s3.list_buckets()["Buckets"])
    notifications = {}
    for bucket in buckets:
        config = s3.get_bucket_notification_configuration(Bucket=bucket)
        config.pop("ResponseMetadata", None)
        notifications[bucket] = config
    objects = {
        bucket: sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
        for bucket in (w.bucket, w.spare_bucket, w.upload_bucket, w.burst_bucket)
    }
    queues = {
        url: sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["RedrivePolicy", "Policy", "VisibilityTimeout", "FifoQueue"]
        ).get("Attributes", {})
        for url in sqs.list_queues().get("QueueUrls", [])
    }
    functions: dict[str, Any] = {}
    for page in lam.get_paginator("list_functions").paginate():
        for config in page["Functions"]:
            name = config["FunctionName"]
            functions[name] = {key: config.get(key) for key in FUNCTION_KEYS}
            try:
                functions[name]["Policy"] = lam.get_policy(FunctionName=name)["Policy"]
            except lam.exceptions.ResourceNotFoundException:
                functions[name]["Policy"] = None
    mappings = {}
    for page in lam.get_paginator("list_event_source_mappings").paginate():
        for mapping in page["EventSourceMappings"]:
            if mapping.get("State") == "Deleting":  # another test's mapping on its way out
                continue
            mappings[mapping["UUID"]] = {key: mapping.get(key) for key in MAPPING_KEYS}
    return {
        "buckets": buckets,
        "notifications": notifications,
        "objects": objects,
        "queues": queues,
        "functions": functions,
        "mappings": mappings,
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> str:
    lines = difflib.unified_diff(
        pprint.pformat(before, width=120).splitlines(), pprint.pformat(after, width=120).splitlines(), lineterm=""
    )
    return "\n".join(list(lines)[2:40])


@dataclass(frozen=True)
class Case:
    """One bad command line; `says` must be in its error line."""

    id: str
    args: Callable[[World], list[str]]
    says: str
    endpoint: bool = True  # False: the case passes its own --endpoint-url


def lambda_arn(region: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def queue_arn(region: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"


CASES = [
    # -- the connection, for any command ----------------------------------------------------------
    Case("endpoint-not-a-url", lambda w: ["status", "--endpoint-url", "not-a-url"], "'not-a-url'", endpoint=False),
    Case("endpoint-bad-ipv6", lambda w: ["status", "--endpoint-url", "http://[::1"], "http://[::1", endpoint=False),
    Case(
        "endpoint-host-with-space",
        lambda w: ["map", "--endpoint-url", "http://local host:4566"],
        "local host",
        endpoint=False,
    ),
    Case("region-not-a-region", lambda w: ["invoke", w.function, "--region", "not a region!"], "not a region!"),
    # -- deploy -----------------------------------------------------------------------------------
    Case("deploy-missing-dir", lambda w: ["deploy", "/no/such/dir", "--function", w.function], "/no/such/dir"),
    Case(
        "deploy-handler-without-dot",
        lambda w: ["deploy", w.source, "--function", w.function, "--handler", "nodots"],
        "'nodots'",
    ),
    Case(
        "deploy-module-without-function",
        lambda w: ["deploy", w.source, "--function", w.function, "--handler", "lambda_function.nope"],
        "'nope'",
    ),
    Case("deploy-syntax-error", lambda w: ["deploy", f"{w.files}/broken", "--function", w.function], "line 1"),
    Case(
        "deploy-too-nested-to-parse",
        lambda w: ["deploy", f"{w.files}/nested", "--function", w.function],
        "lambda_function.py",
    ),
    Case(
        "deploy-arn-of-another-region",
        lambda w: ["deploy", f"{w.files}/changed", "--function", lambda_arn("eu-west-1", w.function)],
        "eu-west-1",
    ),
    Case(
        "deploy-name-with-newline",
        lambda w: ["deploy", w.source, "--function", w.function + "\n"],
        "not a function name",
    ),
    # -- wire -------------------------------------------------------------------------------------
    Case(
        "wire-invalid-bucket-name",
        lambda w: ["wire", "s3-lambda", "--bucket", "Bad_Bucket", "--function", w.function],
        "'Bad_Bucket'",
    ),
    Case(
        "wire-unknown-event-on-a-wired-bucket",
        lambda w: [
            "wire",
            "s3-lambda",
            "--bucket",
            w.bucket,
            "--function",
            w.function,
            "--event",
            "s3:ObjectCreated:Putt",
        ],
        "s3:ObjectCreated:Putt",
    ),
    Case(
        "wire-overlapping-filter-same-kind",
        lambda w: [
            *("wire", "s3-lambda", "--bucket", w.bucket, "--function", w.function),
            *("--event", "s3:ObjectCreated:Put", "--prefix", "in/sub/"),
        ],
        "overlaps",
    ),
    Case(
        "wire-overlapping-filter-other-kind",
        lambda w: ["wire", "s3-sqs", "--bucket", w.bucket, "--queue", w.queue, "--prefix", "in/"],
        "overlaps",
    ),
    Case(
        "wire-function-arn-of-another-region",
        lambda w: ["wire", "s3-lambda", "--bucket", w.spare_bucket, "--function", lambda_arn("eu-west-1", w.function)],
        "eu-west-1",
    ),
    Case(
        "wire-bucket-arn-of-another-service",
        lambda w: ["wire", "s3-lambda", "--bucket", queue_arn("us-east-1", w.queue), "--function", w.function],
        "arn:aws:sqs",
    ),
    Case(
        "wire-missing-function",
        lambda w: ["wire", "s3-lambda", "--bucket", w.spare_bucket, "--function", "lstui-no-such-function"],
        "lstui-no-such-function",
    ),
    Case(
        "wire-queue-arn-of-another-region",
        lambda w: ["wire", "s3-sqs", "--bucket", w.spare_bucket, "--queue", queue_arn("eu-west-1", w.queue)],
        "eu-west-1",
    ),
    Case(
        "wire-missing-queue",
        lambda w: ["wire", "sqs-lambda", "--queue", "lstui-no-such-queue", "--function", w.function],
        "lstui-no-such-queue",
    ),
    Case("wire-own-dlq", lambda w: ["wire", "dlq", "--queue", w.queue, "--dlq", w.queue], "own dead-letter queue"),
    Case(
        "wire-fifo-dlq-for-standard-queue",
        lambda w: ["wire", "dlq", "--queue", w.queue, "--dlq", f"{w.queue}-new.fifo"],
        "standard queue",
    ),
    # -- unwire -----------------------------------------------------------------------------------
    Case(
        "unwire-entry-that-is-not-there",
        lambda w: [
            *("unwire", "s3-lambda", "--bucket", w.bucket, "--function", w.function),
            *("--event", "s3:ObjectRemoved:*", "--prefix", "in/"),
        ],
        "no such entry",
    ),
    Case("unwire-dlq-of-a-queue-without", lambda w: ["unwire", "dlq", "--queue", w.dlq], "no dead-letter queue"),
    # -- upload -----------------------------------------------------------------------------------
    Case(
        "upload-to-missing-bucket",
        lambda w: ["upload", f"{w.files}/small.txt", "--bucket", "lstui-no-such-bucket"],
        "lstui-no-such-bucket",
    ),
    Case(
        "upload-bucket-arn-of-another-service",
        lambda w: ["upload", f"{w.files}/small.txt", "--bucket", queue_arn("us-east-1", w.queue)],
        "arn:aws:sqs",
    ),
    Case(
        "upload-file-then-key-too-long",
        lambda w: ["upload", f"{w.files}/small.txt", f"{w.files}/deep", "--bucket", w.upload_bucket],
        "1024",
    ),
    Case(
        "upload-name-not-utf8",
        lambda w: ["upload", os.path.join(w.files, os.fsdecode(b"caf\xe9.txt")), "--bucket", w.upload_bucket],
        "caf",
    ),
    # -- invoke -----------------------------------------------------------------------------------
    Case("invoke-missing-function", lambda w: ["invoke", "lstui-no-such-function"], "lstui-no-such-function"),
    Case("invoke-payload-not-json", lambda w: ["invoke", w.function, "--payload", "{oops"], "not valid JSON"),
    Case(
        "invoke-payload-file-not-utf8",
        lambda w: ["invoke", w.function, "--payload", f"@{w.files}/latin1.json"],
        "latin1.json",
    ),
    Case("invoke-payload-too-deep", lambda w: ["invoke", w.function, "--payload", "[" * 50_000], "payload"),
    Case("invoke-arn-of-another-region", lambda w: ["invoke", lambda_arn("eu-west-1", w.function)], "eu-west-1"),
    Case("invoke-arn-of-another-service", lambda w: ["invoke", queue_arn("us-east-1", w.queue)], "not a function name"),
    # -- burst ------------------------------------------------------------------------------------
    Case("burst-count-zero", lambda w: ["burst", "--bucket", w.burst_bucket, "--count", "0"], "not 0"),
    Case("burst-count-negative", lambda w: ["burst", "--bucket", w.burst_bucket, "--count", "-3"], "not -3"),
    Case("burst-missing-bucket", lambda w: ["burst", "--bucket", "lstui-no-such-bucket"], "lstui-no-such-bucket"),
    Case(
        "burst-wait-nan",
        lambda w: ["burst", "--bucket", w.burst_bucket, "--count", "1", "--wait", "nan"],
        "--wait",
    ),
    Case(
        "burst-key-prefix-too-long",
        lambda w: ["burst", "--bucket", w.burst_bucket, "--count", "2", "--prefix", "p" * 1100],
        "1024",
    ),
    # -- map, logs --------------------------------------------------------------------------------
    Case("map-only-missing", lambda w: ["map", "--only", "lstui-no-such-thing"], "lstui-no-such-thing"),
    Case("logs-missing-function", lambda w: ["logs", "lstui-no-such-function"], "lstui-no-such-function"),
    Case("logs-since-overflow", lambda w: ["logs", w.function, "--since", "99999999999w"], "99999999999w"),
    Case("logs-bad-filter", lambda w: ["logs", w.function, "--filter", "{"], "bad filter pattern"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_changes_nothing_and_says_one_line(server: RunningServer, aws: Any, world: World, case: Case) -> None:
    before = snapshot(aws, world)
    result = lstui(server if case.endpoint else None, *case.args(world), timeout=60)
    after = snapshot(aws, world)
    said = f"exit {result.returncode}, stderr {result.stderr[-600:]!r}, stdout {result.stdout[-300:]!r}"
    assert after == before, f"the server changed:\n{diff(before, after)}\n{said}"
    line = one_line_error(result)
    assert line.startswith(f"lstui {case.args(world)[0]}: "), said
    assert "unexpected error" not in line, said
    assert case.says in line, said


def test_the_cases_aim_at_real_resources(aws: Any, world: World) -> None:
    """Without these, "nothing changed" would be true of an empty server."""
    state = snapshot(aws, world)
    config = state["notifications"][world.bucket]
    assert [entry["Events"] for entry in config["LambdaFunctionConfigurations"]] == [["s3:ObjectCreated:*"]]
    assert [entry["Events"] for entry in config["QueueConfigurations"]] == [["s3:ObjectRemoved:*"]]
    assert any(world.dlq in attrs.get("RedrivePolicy", "") for attrs in state["queues"].values())
    assert state["functions"][world.function]["CodeSha256"]
    assert any(world.queue in mapping["EventSourceArn"] for mapping in state["mappings"].values())
    assert len(CASES) == len({case.id for case in CASES})


# -- files the user cannot read ---------------------------------------------------------------------
UNREADABLE: list[tuple[str, Callable[[World, str], list[str]], str]] = [
    ("deploy-file", lambda w, d: ["deploy", f"{d}/src/lambda_function.py", "--function", w.function], "lambda_fun"),
    ("deploy-directory", lambda w, d: ["deploy", f"{d}/src", "--function", w.function], "lambda_function"),
    ("upload-file", lambda w, d: ["upload", f"{d}/secret.txt", "--bucket", w.upload_bucket], "secret.txt"),
    ("upload-folder", lambda w, d: ["upload", f"{d}/photos", "--bucket", w.upload_bucket], "photos/locked"),
    ("invoke-payload", lambda w, d: ["invoke", w.function, "--payload", f"@{d}/payload.json"], "payload.json"),
]  # fmt: skip


@needs_unprivileged
@pytest.mark.parametrize("name,args,says", UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_an_unreadable_file_changes_nothing_and_says_one_line(
    server: RunningServer, aws: Any, world: World, tmp_path: Path, name: str, args: Any, says: str
) -> None:
    (tmp_path / "src").mkdir()
    files = [tmp_path / "src" / "lambda_function.py", tmp_path / "secret.txt", tmp_path / "payload.json"]
    files[0].write_text(SEED + "# a change that must not be deployed\n")
    files[1].write_text("secret\n")
    files[2].write_text('{"a": 1}')
    locked = tmp_path / "photos" / "locked"  # a folder the user cannot list, beside a readable file
    locked.mkdir(parents=True)
    (tmp_path / "photos" / "ok.txt").write_text("fine\n")
    (locked / "inside.txt").write_text("not yours\n")
    for path in [*files, locked]:
        path.chmod(0)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["LSTUI_CONFIG"] = "/nonexistent/lstui.toml"
    argv = args(world, str(tmp_path))
    before = snapshot(aws, world)
    result = subprocess.run(
        as_a_user([sys.executable, "-m", "localstack_tui.cli", "--endpoint-url", server.endpoint_url, *argv]),
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    after = snapshot(aws, world)
    said = f"exit {result.returncode}, stderr {result.stderr[-600:]!r}, stdout {result.stdout[-300:]!r}"
    assert after == before, f"the server changed:\n{diff(before, after)}\n{said}"
    line = one_line_error(result)
    assert line.startswith(f"lstui {argv[0]}: ") and "unexpected error" not in line, said
    assert says in line, said
