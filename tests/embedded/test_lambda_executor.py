"""The host-process Lambda executor, through plain boto3 against the real server."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from tests.conftest import LEAKY_ENVIRONMENT
from tests.embedded.lambda_helpers import (
    create_function,
    log_messages,
    unique,
    wait_active,
    wait_until,
    zip_sources,
)

ECHO = """
import json
import logging
import os

def lambda_handler(event, context):
    print("got", json.dumps(event))
    logging.getLogger().warning("a warning from %s", context.function_name)
    return {
        "event": event,
        "context": {
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining": context.get_remaining_time_in_millis(),
        },
        "env": dict(os.environ),
        "cwd": os.getcwd(),
    }
"""


def invoke(lam: Any, name: str, payload: Any = None, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    response = lam.invoke(
        FunctionName=name,
        Payload=json.dumps(payload if payload is not None else {}).encode(),
        LogType="Tail",
        **kwargs,
    )
    body = json.loads(response["Payload"].read() or b"null")
    return response, body


@pytest.fixture(scope="module")
def echo_function(aws: Any) -> str:
    return create_function(aws("lambda"), {"lambda_function.py": ECHO}, environment={"GREETING": "xin chào"})


def test_invoke_returns_the_handler_result_with_context(aws: Any, echo_function: str) -> None:
    response, body = invoke(aws("lambda"), echo_function, {"key": "value"})
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert body["event"] == {"key": "value"}
    ctx = body["context"]
    assert ctx["function_name"] == echo_function
    assert ctx["function_version"] == "$LATEST"
    assert ctx["invoked_function_arn"].endswith(f":function:{echo_function}")
    assert str(ctx["memory_limit_in_mb"]) == "128"
    assert ctx["log_group_name"] == f"/aws/lambda/{echo_function}"
    assert ctx["log_stream_name"]
    assert len(ctx["aws_request_id"]) == 36
    assert 0 < ctx["remaining"] <= 3000


def test_handler_environment_has_lambda_variables_and_nothing_of_the_server(
    aws: Any, echo_function: str, server: Any
) -> None:
    _, body = invoke(aws("lambda"), echo_function)
    env = body["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == echo_function
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_REGION"] == "us-east-1"
    assert env["_HANDLER"] == "lambda_function.lambda_handler"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{echo_function}"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert env["AWS_ENDPOINT_URL"] == server.endpoint_url
    assert env["GREETING"] == "xin chào"
    assert body["cwd"] == env["LAMBDA_TASK_ROOT"]
    # The server was started with a user's credentials and tokens in its environment.
    assert "AWS_PROFILE" not in env
    assert "GITHUB_TOKEN" not in env
    leaked = set(LEAKY_ENVIRONMENT.values()) & set(env.values())
    assert not leaked


def test_print_and_logging_reach_cloudwatch_with_start_end_report(aws: Any, echo_function: str) -> None:
    response, _ = invoke(aws("lambda"), echo_function, {"marker": "m-123"})
    tail = base64.b64decode(response["LogResult"]).decode()
    request_id = response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id") or ""
    assert 'got {"marker": "m-123"}' in tail
    assert f"a warning from {echo_function}" in tail

    def logged() -> list[str] | None:
        messages = log_messages(aws("logs"), echo_function)
        return messages if any("m-123" in m for m in messages) else None

    messages = wait_until(logged, what="the print in CloudWatch Logs")
    text = "".join(messages)
    start = next(m for m in messages if m.startswith("START RequestId:"))
    assert "Version: $LATEST" in start
    assert "END RequestId:" in text
    assert "REPORT RequestId:" in text and "Duration:" in text and "Memory Size: 128 MB" in text
    assert "[WARNING]" in text
    if request_id:
        assert request_id in text


def test_event_invocation_runs_in_the_background(aws: Any, echo_function: str) -> None:
    lam = aws("lambda")
    marker = unique("event")
    response = lam.invoke(
        FunctionName=echo_function, InvocationType="Event", Payload=json.dumps({"m": marker}).encode()
    )
    assert response["StatusCode"] == 202
    wait_until(
        lambda: any(marker in m for m in log_messages(aws("logs"), echo_function)),
        what="the event invocation's log line",
    )


@pytest.mark.parametrize(
    ("files", "handler", "error_type", "message_part"),
    [
        (
            {"lambda_function.py": ("def lambda_handler(event, context):\n    raise ValueError('bad input 42')\n")},
            "lambda_function.lambda_handler",
            "ValueError",
            "bad input 42",
        ),
        (
            {"lambda_function.py": "def lambda_handler(event, context)\n    return 1\n"},
            "lambda_function.lambda_handler",
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'lambda_function'",
        ),
        (
            {"lambda_function.py": "def lambda_handler(event, context):\n    return 1\n"},
            "missing_module.lambda_handler",
            "Runtime.ImportModuleError",
            "Unable to import module 'missing_module'",
        ),
        (
            {"lambda_function.py": "import not_installed_pkg_xyz\n"},
            "lambda_function.lambda_handler",
            "Runtime.ImportModuleError",
            "No module named 'not_installed_pkg_xyz'",
        ),
        (
            {"lambda_function.py": "def other(event, context):\n    return 1\n"},
            "lambda_function.lambda_handler",
            "Runtime.HandlerNotFound",
            "Handler 'lambda_handler' missing on module 'lambda_function'",
        ),
        (
            {"lambda_function.py": "def lambda_handler(event, context):\n    return {1, 2}\n"},
            "lambda_function.lambda_handler",
            "Runtime.MarshalError",
            "Unable to marshal response",
        ),
    ],
    ids=["exception", "syntax-error", "missing-module", "failing-import", "missing-function", "not-json"],
)
def test_errors_come_back_as_lambda_errors(
    aws: Any, files: dict[str, str], handler: str, error_type: str, message_part: str
) -> None:
    lam = aws("lambda")
    name = create_function(lam, files, handler=handler)
    started = time.monotonic()
    response, body = invoke(lam, name)
    assert time.monotonic() - started < 10, "an error must never hang"
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == error_type
    assert message_part in body["errorMessage"]
    assert isinstance(body.get("stackTrace", []), list)
    # The error is in the invocation's log too, between START and END.
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "START RequestId:" in tail and "END RequestId:" in tail
    assert error_type in tail


def test_exception_stack_trace_names_the_handler_line(aws: Any) -> None:
    source = "def helper():\n    raise KeyError('missing-key')\n\ndef lambda_handler(event, context):\n    helper()\n"
    name = create_function(aws("lambda"), {"lambda_function.py": source})
    _, body = invoke(aws("lambda"), name)
    assert body["errorType"] == "KeyError"
    trace = "".join(body["stackTrace"])
    assert "lambda_function.py" in trace and "line 2" in trace and "helper" in trace
    assert "python_runtime.py" not in trace, "only the user's frames, as Lambda shows them"
    assert 'File "/var/task/lambda_function.py", line 2' in trace


def test_timeout_kills_the_handler_and_the_next_invocation_gets_a_fresh_environment(aws: Any) -> None:
    source = """
import time
calls = 0

def lambda_handler(event, context):
    global calls
    calls += 1
    if event.get("hang"):
        time.sleep(60)
    return {"calls": calls}
"""
    lam = aws("lambda")
    name = create_function(lam, {"lambda_function.py": source}, timeout=1)
    assert invoke(lam, name)[1] == {"calls": 1}
    started = time.monotonic()
    response, body = invoke(lam, name, {"hang": True})
    elapsed = time.monotonic() - started
    assert response["FunctionError"] == "Unhandled"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]
    assert elapsed < 4
    assert "Task timed out after 1.00 seconds" in base64.b64decode(response["LogResult"]).decode()
    # The hung process was replaced: module state starts again.
    assert invoke(lam, name)[1] == {"calls": 1}


def test_a_handler_that_exits_the_process_is_an_error_and_the_environment_is_replaced(aws: Any) -> None:
    source = """
import os, sys

def lambda_handler(event, context):
    if event.get("how") == "sys.exit":
        sys.exit(3)
    if event.get("how") == "os._exit":
        os._exit(7)
    return "alive"
"""
    lam = aws("lambda")
    name = create_function(lam, {"lambda_function.py": source})
    response, body = invoke(lam, name, {"how": "sys.exit"})
    assert body["errorType"] == "Runtime.ExitError" and "exit status 3" in body["errorMessage"]
    assert invoke(lam, name)[1] == "alive"
    response, body = invoke(lam, name, {"how": "os._exit"})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError" and "exit status 7" in body["errorMessage"]
    assert invoke(lam, name)[1] == "alive"


def test_update_function_code_takes_effect_on_the_next_invocation(aws: Any) -> None:
    lam = aws("lambda")
    v1 = "def lambda_handler(event, context):\n    return 'v1'\n"
    v2 = "def lambda_handler(event, context):\n    return 'v2'\n"
    name = create_function(lam, {"lambda_function.py": v1})
    assert invoke(lam, name)[1] == "v1"  # warm environment of v1
    lam.update_function_code(FunctionName=name, ZipFile=zip_sources({"lambda_function.py": v2}))
    wait_active(lam, name)
    assert invoke(lam, name)[1] == "v2"


def test_handler_in_a_package_with_slash_notation(aws: Any) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/handlers.py": (
            "from pkg.util import double\n\ndef handle(event, context):\n    return double(event['n'])\n"
        ),
        "pkg/util.py": "def double(n):\n    return 2 * n\n",
    }
    name = create_function(aws("lambda"), files, handler="pkg/handlers.handle")
    assert invoke(aws("lambda"), name, {"n": 21})[1] == 42


def test_handler_calls_s3_through_boto3(aws: Any) -> None:
    bucket = unique("handler-s3")
    aws("s3").create_bucket(Bucket=bucket)
    source = """
import boto3

def lambda_handler(event, context):
    s3 = boto3.client("s3")
    s3.put_object(Bucket=event["bucket"], Key="from-handler.txt", Body=b"written by the handler")
    return sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
"""
    name = create_function(aws("lambda"), {"lambda_function.py": source}, timeout=20)
    response, body = invoke(aws("lambda"), name, {"bucket": bucket})
    assert "FunctionError" not in response, body
    assert bucket in body
    obj = aws("s3").get_object(Bucket=bucket, Key="from-handler.txt")
    assert obj["Body"].read() == b"written by the handler"


def test_megabytes_of_output_are_capped_and_the_invocation_succeeds(aws: Any) -> None:
    source = "def lambda_handler(event, context):\n    print('x' * 4_000_000)\n    return 'done'\n"
    name = create_function(aws("lambda"), {"lambda_function.py": source})
    response, body = invoke(aws("lambda"), name)
    assert body == "done"
    assert "FunctionError" not in response


def test_non_python_runtime_fails_with_a_clear_reason(aws: Any) -> None:
    lam = aws("lambda")
    name = unique("node")
    lam.create_function(
        FunctionName=name,
        Runtime="nodejs20.x",
        Handler="index.handler",
        Role="arn:aws:iam::000000000000:role/fake-role",
        Code={"ZipFile": zip_sources({"index.js": "exports.handler = async () => 1;"})},
    )

    def settled() -> dict[str, Any] | None:
        config: dict[str, Any] = lam.get_function_configuration(FunctionName=name)
        return config if config["State"] != "Pending" else None

    config = wait_until(settled, what="the node function to settle")
    assert config["State"] == "Failed"
    assert "Python" in config.get("StateReason", "")
