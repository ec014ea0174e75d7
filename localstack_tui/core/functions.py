"""Lambda functions: list, describe, deploy from source, invoke, event source mappings."""

from __future__ import annotations

import base64
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from localstack_tui.core.aws_errors import aws_call
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import AwsCallError, LstuiError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from localstack_tui.core.packaging import Package

FAKE_ROLE = "arn:aws:iam::000000000000:role/fake-role"
HOST_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # fullmatch: "f\n" is no name
ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):[0-9]{12}:function:(?P<name>[A-Za-z0-9_-]{1,64})(:[A-Za-z0-9$_-]+)?"
)
RUNTIME_PATTERN = re.compile(r"python3\.[0-9]{1,2}|nodejs[0-9]+\.x|java[0-9]+|ruby[0-9]\.[0-9]+|provided(\.al2(023)?)?")


def function_name(name_or_arn: str, region: str | None = None) -> str:
    """The function name of a name or ARN; ValidationError for anything else.

    With `region` (the connection's), an ARN of another region is refused: lstui would
    otherwise act on the function of the same name in its own region.
    """
    if NAME_PATTERN.fullmatch(name_or_arn):
        return name_or_arn
    match = ARN_PATTERN.fullmatch(name_or_arn)
    if match:
        if region is not None and match.group("region") != region:
            raise ValidationError(
                f"function {name_or_arn!r} is in region {match.group('region')} but lstui uses {region} "
                f"(pass --region {match.group('region')})"
            )
        return match.group("name")
    raise ValidationError(
        f"{name_or_arn!r} is not a function name (letters, digits, - and _, at most 64) or a Lambda ARN"
    )


@dataclass(frozen=True)
class FunctionInfo:
    """A function's configuration, as the function pane shows it."""

    name: str
    arn: str
    runtime: str
    handler: str
    role: str
    memory: int
    timeout: int
    last_modified: str
    state: str
    state_reason: str
    last_update_status: str
    code_size: int
    code_sha256: str
    environment: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_api(cls, config: dict[str, Any]) -> FunctionInfo:
        return cls(
            name=config["FunctionName"],
            arn=config["FunctionArn"],
            runtime=config.get("Runtime", ""),
            handler=config.get("Handler", ""),
            role=config.get("Role", ""),
            memory=int(config.get("MemorySize", 128)),
            timeout=int(config.get("Timeout", 3)),
            last_modified=config.get("LastModified", ""),
            state=config.get("State", "Active"),
            state_reason=config.get("StateReason", ""),
            last_update_status=config.get("LastUpdateStatus", "Successful"),
            code_size=int(config.get("CodeSize", 0)),
            code_sha256=config.get("CodeSha256", ""),
            environment=dict((config.get("Environment") or {}).get("Variables") or {}),
        )


def list_functions(clients: AwsClients) -> list[FunctionInfo]:
    """Every function, sorted by name."""
    found: list[FunctionInfo] = []
    with aws_call("list Lambda functions", clients.connection.endpoint_url):
        for page in clients.lambda_.get_paginator("list_functions").paginate():
            found.extend(FunctionInfo.from_api(config) for config in page.get("Functions", []))
    return sorted(found, key=lambda info: info.name)


def get_function(clients: AwsClients, name_or_arn: str) -> FunctionInfo:
    """One function's configuration; NotFoundError when there is none."""
    name = function_name(name_or_arn, clients.connection.region)
    try:
        with aws_call(f"read function {name}", clients.connection.endpoint_url):
            config = clients.lambda_.get_function_configuration(FunctionName=name)
    except NotFoundError:
        raise NotFoundError(f"no Lambda function named {name}") from None
    return FunctionInfo.from_api(config)


def function_exists(clients: AwsClients, name: str) -> bool:
    try:
        get_function(clients, name)
    except NotFoundError:
        return False
    return True


def wait_until_ready(clients: AwsClients, name: str, timeout: float = 60.0) -> FunctionInfo:
    """Wait until the function is Active and its last update Successful."""
    deadline = time.monotonic() + timeout
    interval = 0.02
    while True:
        info = get_function(clients, name)
        if info.state == "Failed" or info.last_update_status == "Failed":
            raise AwsCallError(f"function {name} failed: {info.state_reason or 'no reason given'}")
        if info.state == "Active" and info.last_update_status in ("Successful", ""):
            return info
        if time.monotonic() > deadline:
            raise AwsCallError(f"function {name} is still {info.state} after {timeout:.0f} s")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


@dataclass(frozen=True)
class DeploySpec:
    """What to deploy: a source and the function's settings (None = keep / default)."""

    source: Path
    name: str
    handler: str | None = None
    runtime: str | None = None
    role: str | None = None
    memory: int | None = None
    timeout: int | None = None
    environment: dict[str, str] | None = None


@dataclass(frozen=True)
class DeployResult:
    info: FunctionInfo
    created: bool
    code_updated: bool
    config_updated: bool
    package_size: int
    seconds: float

    def summary(self) -> str:
        what = "created" if self.created else ("updated" if self.code_updated or self.config_updated else "unchanged")
        return (
            f"{self.info.name} {what} in {self.seconds:.2f} s "
            f"({self.package_size} bytes, CodeSha256 {self.info.code_sha256[:12]}…)"
        )


def validate_deploy(spec: DeploySpec) -> tuple[Package, str]:
    """Check a DeploySpec before AWS is called; return the package and the handler."""
    from localstack_tui.core.packaging import build_zip

    handler = check_deploy(spec)
    return build_zip(spec.source), handler


def check_deploy(spec: DeploySpec) -> str:
    """Every check of `validate_deploy` but the zipping (cheap enough for every keystroke); the handler."""
    # Imported here: zipping and parsing sources is not on the explorer's start-up path.
    from localstack_tui.core.packaging import check_handler, check_python_syntax, derive_handler

    function_name(spec.name)
    if spec.runtime is not None and not RUNTIME_PATTERN.fullmatch(spec.runtime):
        raise ValidationError(f"runtime {spec.runtime!r} is not a Lambda runtime (e.g. {HOST_RUNTIME})")
    if spec.memory is not None and not 128 <= spec.memory <= 10240:
        raise ValidationError(f"memory must be between 128 and 10240 MB, not {spec.memory}")
    if spec.timeout is not None and not 1 <= spec.timeout <= 900:
        raise ValidationError(f"timeout must be between 1 and 900 seconds, not {spec.timeout}")
    for key in spec.environment or {}:
        if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_]*", key):
            raise ValidationError(f"environment variable name {key!r} must start with a letter (letters, digits, _)")
    if spec.role is not None and not spec.role.startswith("arn:"):
        raise ValidationError(f"role {spec.role!r} is not an IAM role ARN")
    check_python_syntax(spec.source)
    handler = spec.handler or derive_handler(spec.source)
    check_handler(spec.source, handler)
    return handler


def deploy_function(
    clients: AwsClients, spec: DeploySpec, progress: Callable[[str], None] | None = None
) -> DeployResult:
    """Create the function from `spec.source`, or update its code and settings.

    Everything is checked before AWS is called. The code is only uploaded when
    its SHA-256 differs from the function's CodeSha256. `progress` hears each step.
    """
    say = progress or _quiet
    started = time.monotonic()
    package, handler = validate_deploy(spec)
    clients.connection.check_write(f"deploy function {spec.name}")
    count = len(package.files)
    say(f"syntax-checked and zipped {count} file{'s' if count != 1 else ''} ({package.size} B)")
    lam = clients.lambda_
    endpoint = clients.connection.endpoint_url
    try:
        current: FunctionInfo | None = get_function(clients, spec.name)
    except NotFoundError:
        current = None
    if current is None:
        say(f"creating function {spec.name}")
        with aws_call(f"create function {spec.name}", endpoint):
            lam.create_function(
                FunctionName=spec.name,
                Runtime=spec.runtime or HOST_RUNTIME,
                Handler=handler,
                Role=spec.role or FAKE_ROLE,
                Code={"ZipFile": package.data},
                MemorySize=spec.memory or 128,
                Timeout=spec.timeout or 3,
                Environment={"Variables": spec.environment or {}},
            )
        say("waiting until it is Active")
        info = wait_until_ready(clients, spec.name)
        return DeployResult(info, True, True, True, package.size, time.monotonic() - started)

    code_updated = current.code_sha256 != package.code_sha256
    if code_updated:
        say(f"uploading the new code of {spec.name}")
        with aws_call(f"update the code of {spec.name}", endpoint):
            lam.update_function_code(FunctionName=spec.name, ZipFile=package.data)
        say("waiting until the update is Successful")
        wait_until_ready(clients, spec.name)
    else:
        say("the code is unchanged: not uploaded")
    changes: dict[str, Any] = {}
    if spec.handler is not None and spec.handler != current.handler:
        changes["Handler"] = spec.handler
    if spec.runtime is not None and spec.runtime != current.runtime:
        changes["Runtime"] = spec.runtime
    if spec.role is not None and spec.role != current.role:
        changes["Role"] = spec.role
    if spec.memory is not None and spec.memory != current.memory:
        changes["MemorySize"] = spec.memory
    if spec.timeout is not None and spec.timeout != current.timeout:
        changes["Timeout"] = spec.timeout
    if spec.environment is not None and spec.environment != current.environment:
        changes["Environment"] = {"Variables": spec.environment}
    if changes:
        say(f"changing {', '.join(sorted(changes))}")
        with aws_call(f"update the configuration of {spec.name}", endpoint):
            lam.update_function_configuration(FunctionName=spec.name, **changes)
    info = wait_until_ready(clients, spec.name)
    return DeployResult(info, False, code_updated, bool(changes), package.size, time.monotonic() - started)


def _quiet(_step: str) -> None:
    pass


def delete_function(clients: AwsClients, name_or_arn: str) -> None:
    name = function_name(name_or_arn, clients.connection.region)
    clients.connection.check_write(f"delete function {name}")
    with aws_call(f"delete function {name}", clients.connection.endpoint_url):
        clients.lambda_.delete_function(FunctionName=name)


@dataclass(frozen=True)
class InvokeResult:
    """The outcome of one invocation."""

    status_code: int
    payload: str
    error_type: str | None = None
    error_message: str | None = None
    stack_trace: tuple[str, ...] = ()
    log_tail: str = ""
    request_id: str = ""

    @property
    def ok(self) -> bool:
        return self.error_type is None


def parse_payload(payload: str | bytes | dict[str, Any] | list[Any] | None) -> bytes:
    """JSON bytes of a payload; ValidationError for text that is not JSON."""
    if payload is None:
        return b"{}"
    if isinstance(payload, dict | list):
        return json.dumps(payload).encode()
    try:
        text = payload.decode() if isinstance(payload, bytes) else payload
        json.loads(text)
        return text.encode()
    except UnicodeError:
        raise ValidationError("the payload is not UTF-8 text (JSON must be)") from None
    except ValueError as exc:
        raise ValidationError(f"the payload is not valid JSON: {exc}") from None
    except RecursionError:
        raise ValidationError("the payload is nested too deeply to be read as JSON") from None


def invoke_function(
    clients: AwsClients,
    name_or_arn: str,
    payload: str | bytes | dict[str, Any] | list[Any] | None = None,
    asynchronous: bool = False,
) -> InvokeResult:
    """Invoke synchronously (result, error and log tail) or as an event."""
    name = function_name(name_or_arn, clients.connection.region)
    body = parse_payload(payload)
    clients.connection.check_write(f"invoke function {name}")
    kwargs: dict[str, Any] = {"FunctionName": name, "Payload": body}
    if asynchronous:
        kwargs["InvocationType"] = "Event"
    else:
        kwargs["LogType"] = "Tail"
    try:
        with aws_call(f"invoke function {name}", clients.connection.endpoint_url):
            response = clients.lambda_.invoke(**kwargs)
    except NotFoundError:
        raise NotFoundError(f"no Lambda function named {name}") from None
    text = response["Payload"].read().decode("utf-8", "replace") if "Payload" in response else ""
    tail = base64.b64decode(response["LogResult"]).decode("utf-8", "replace") if "LogResult" in response else ""
    request_id = response.get("ResponseMetadata", {}).get("RequestId", "")
    if response.get("FunctionError"):
        try:
            error = json.loads(text)
        except ValueError:
            error = {}
        if not isinstance(error, dict):
            error = {}
        return InvokeResult(
            status_code=response["StatusCode"],
            payload=text,
            error_type=str(error.get("errorType", response["FunctionError"])),
            error_message=str(error.get("errorMessage", text)),
            stack_trace=tuple(str(line) for line in error.get("stackTrace") or ()),
            log_tail=tail,
            request_id=request_id,
        )
    return InvokeResult(response["StatusCode"], text, log_tail=tail, request_id=request_id)


@dataclass(frozen=True)
class EventSourceMapping:
    uuid: str
    source_arn: str
    function_arn: str
    state: str
    batch_size: int
    batching_window: int
    max_concurrency: int | None
    report_batch_item_failures: bool
    last_result: str

    @property
    def function_name(self) -> str:
        return self.function_arn.rsplit(":", 1)[-1]

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> EventSourceMapping:
        scaling = item.get("ScalingConfig") or {}
        return cls(
            uuid=item["UUID"],
            source_arn=item.get("EventSourceArn", ""),
            function_arn=item.get("FunctionArn", ""),
            state=item.get("State", ""),
            batch_size=int(item.get("BatchSize", 10)),
            batching_window=int(item.get("MaximumBatchingWindowInSeconds", 0)),
            max_concurrency=scaling.get("MaximumConcurrency"),
            report_batch_item_failures="ReportBatchItemFailures" in (item.get("FunctionResponseTypes") or []),
            last_result=item.get("LastProcessingResult", ""),
        )


def list_event_source_mappings(
    clients: AwsClients, function: str | None = None, source_arn: str | None = None
) -> list[EventSourceMapping]:
    """Event source mappings, optionally of one function and/or one source."""
    kwargs: dict[str, str] = {}
    if function:
        kwargs["FunctionName"] = function_name(function, clients.connection.region)
    if source_arn:
        kwargs["EventSourceArn"] = source_arn
    found: list[EventSourceMapping] = []
    with aws_call("list event source mappings", clients.connection.endpoint_url):
        for page in clients.lambda_.get_paginator("list_event_source_mappings").paginate(**kwargs):
            found.extend(EventSourceMapping.from_api(item) for item in page.get("EventSourceMappings", []))
    return found


def wait_mapping_state(clients: AwsClients, uuid: str, states: tuple[str, ...], timeout: float = 30) -> str:
    """Wait until a mapping reaches one of `states` (or is gone, for "Deleted")."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with aws_call("read an event source mapping", clients.connection.endpoint_url):
                state = str(clients.lambda_.get_event_source_mapping(UUID=uuid)["State"])
        except NotFoundError:
            state = "Deleted"
        if state in states:
            return state
        if time.monotonic() > deadline:
            raise LstuiError(f"event source mapping {uuid} is still {state} after {timeout:.0f} s")
        time.sleep(0.05)


def s3_put_event(bucket: str, key: str, size: int = 0, region: str = "us-east-1") -> dict[str, Any]:
    """An `s3:ObjectCreated:Put` event as S3 sends it to Lambda (a payload template)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": "1970-01-01T00:00:00.000Z",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": key, "size": size},
                },
            }
        ]
    }


def sqs_message_event(body: str, queue_arn: str = "arn:aws:sqs:us-east-1:000000000000:queue") -> dict[str, Any]:
    """An SQS event with one message, as an event source mapping delivers it (a payload template)."""
    return {
        "Records": [
            {
                "messageId": "00000000-0000-0000-0000-000000000000",
                "receiptHandle": "template",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3] if queue_arn.count(":") >= 5 else "us-east-1",
            }
        ]
    }


@dataclass(frozen=True)
class FunctionSnapshot:
    """A function's code and settings, kept so a deploy can be undone."""

    info: FunctionInfo
    code: bytes


def snapshot_function(clients: AwsClients, name_or_arn: str) -> FunctionSnapshot:
    """Download a function's current code (the Code.Location URL) with its settings."""
    import urllib.request

    name = function_name(name_or_arn, clients.connection.region)
    with aws_call(f"read function {name}", clients.connection.endpoint_url):
        response = clients.lambda_.get_function(FunctionName=name)
    location = (response.get("Code") or {}).get("Location")
    if not location:
        raise AwsCallError(f"cannot keep a copy of {name}'s code: the server gives no Code.Location")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(location, timeout=30) as download:
            code = download.read()
    except OSError as exc:
        raise AwsCallError(f"cannot keep a copy of {name}'s code: {exc}") from None
    return FunctionSnapshot(FunctionInfo.from_api(response["Configuration"]), code)


def restore_function(clients: AwsClients, snapshot: FunctionSnapshot) -> list[str]:
    """Put a snapshot back: its code, then its settings; returns what was restored."""
    info = snapshot.info
    clients.connection.check_write(f"restore function {info.name}")
    with aws_call(f"restore the code of {info.name}", clients.connection.endpoint_url):
        clients.lambda_.update_function_code(FunctionName=info.name, ZipFile=snapshot.code)
    wait_until_ready(clients, info.name)
    with aws_call(f"restore the configuration of {info.name}", clients.connection.endpoint_url):
        clients.lambda_.update_function_configuration(
            FunctionName=info.name,
            Handler=info.handler,
            Runtime=info.runtime,
            Role=info.role,
            MemorySize=info.memory,
            Timeout=info.timeout,
            Environment={"Variables": info.environment},
        )
    wait_until_ready(clients, info.name)
    return [f"restored {info.name}'s previous code (CodeSha256 {info.code_sha256[:12]}…) and settings"]
