"""Deploying test handlers to the embedded LocalStack with plain boto3."""

from __future__ import annotations

import io
import textwrap
import time
import uuid
import zipfile
from typing import Any

FAKE_ROLE = "arn:aws:iam::000000000000:role/fake-role"


def zip_sources(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, source in files.items():
            archive.writestr(name, textwrap.dedent(source))
    return buffer.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wait_until(predicate: Any, timeout: float = 20, interval: float = 0.05, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(interval)


def wait_active(lam: Any, name: str) -> dict[str, Any]:
    def ready() -> dict[str, Any] | None:
        config: dict[str, Any] = lam.get_function_configuration(FunctionName=name)
        if config["State"] == "Failed":
            raise AssertionError(f"{name} failed: {config.get('StateReason')}")
        if config["State"] == "Active" and config.get("LastUpdateStatus") in (None, "Successful"):
            return config
        return None

    return wait_until(ready, what=f"{name} to be Active")  # type: ignore[no-any-return]


def create_function(
    lam: Any,
    files: dict[str, str],
    *,
    name: str | None = None,
    handler: str = "lambda_function.lambda_handler",
    runtime: str = "python3.9",
    timeout: int = 3,
    environment: dict[str, str] | None = None,
) -> str:
    name = name or unique("fn")
    lam.create_function(
        FunctionName=name,
        Runtime=runtime,
        Handler=handler,
        Role=FAKE_ROLE,
        Code={"ZipFile": zip_sources(files)},
        Timeout=timeout,
        Environment={"Variables": environment or {}},
    )
    wait_active(lam, name)
    return name


def log_messages(logs: Any, function: str) -> list[str]:
    group = f"/aws/lambda/{function}"
    try:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group)
        return [event["message"] for page in pages for event in page["events"]]
    except logs.exceptions.ResourceNotFoundException:
        return []
