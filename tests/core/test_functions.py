"""Lambda through the core: deploy from source, invoke, mappings, bad input."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from localstack_tui.core.connection import AwsClients, Connection
from localstack_tui.core.errors import NotFoundError, RemoteWriteRefusedError, ValidationError
from localstack_tui.core.functions import (
    HOST_RUNTIME,
    DeploySpec,
    deploy_function,
    function_name,
    get_function,
    invoke_function,
    list_functions,
    parse_payload,
)
from localstack_tui.core.packaging import build_zip

SEED = 'def lambda_handler(event, context):\n    print("Received event:", event)\n    return {"version": 1}\n'


def seed_dir(tmp_path: Path, source: str = SEED) -> Path:
    src = tmp_path / f"src-{uuid.uuid4().hex[:6]}"
    src.mkdir()
    (src / "lambda_function.py").write_text(source)
    return src


def test_deploy_creates_then_updates_only_what_changed(clients: AwsClients, tmp_path: Path) -> None:
    src = seed_dir(tmp_path)
    name = f"deploy-{uuid.uuid4().hex[:8]}"
    created = deploy_function(clients, DeploySpec(src, name, runtime="python3.9", environment={"STAGE": "dev"}))
    assert created.created
    info = created.info
    assert info.handler == "lambda_function.lambda_handler"
    assert info.runtime == "python3.9" and info.role.endswith(":role/fake-role")
    assert info.state == "Active" and info.environment == {"STAGE": "dev"}
    assert info.code_sha256 == build_zip(src).code_sha256
    assert invoke_function(clients, name).payload == '{"version": 1}'

    unchanged = deploy_function(clients, DeploySpec(src, name))
    assert not unchanged.created and not unchanged.code_updated and not unchanged.config_updated

    (src / "lambda_function.py").write_text(SEED.replace('"version": 1', '"version": 2'))
    updated = deploy_function(clients, DeploySpec(src, name, timeout=10))
    assert updated.code_updated and updated.config_updated
    assert updated.info.timeout == 10 and updated.info.environment == {"STAGE": "dev"}
    assert invoke_function(clients, name).payload == '{"version": 2}'
    assert name in [function.name for function in list_functions(clients)]


def test_default_runtime_is_the_hosts_python(clients: AwsClients, tmp_path: Path) -> None:
    name = f"host-{uuid.uuid4().hex[:8]}"
    result = deploy_function(clients, DeploySpec(seed_dir(tmp_path), name))
    assert result.info.runtime == HOST_RUNTIME


def test_invoke_reports_errors_and_log_tail(clients: AwsClients, tmp_path: Path) -> None:
    src = seed_dir(
        tmp_path,
        "def lambda_handler(event, context):\n    print('about to fail')\n    raise ValueError(event['why'])\n",
    )
    name = f"fail-{uuid.uuid4().hex[:8]}"
    deploy_function(clients, DeploySpec(src, name))
    result = invoke_function(clients, name, {"why": "no good"})
    assert not result.ok
    assert result.error_type == "ValueError" and result.error_message == "no good"
    assert result.stack_trace and "about to fail" in result.log_tail


def test_async_invoke(clients: AwsClients, tmp_path: Path) -> None:
    name = f"async-{uuid.uuid4().hex[:8]}"
    deploy_function(clients, DeploySpec(seed_dir(tmp_path), name))
    assert invoke_function(clients, name, {"a": 1}, asynchronous=True).status_code == 202


@pytest.mark.parametrize(
    ("spec_changes", "message"),
    [
        ({"name": "bad name!"}, "is not a function name"),
        ({"runtime": "python9"}, "is not a Lambda runtime"),
        ({"memory": 64}, "memory must be between 128 and 10240"),
        ({"timeout": 0}, "timeout must be between 1 and 900"),
        ({"handler": "lambda_function"}, "not of the form module.function"),
        ({"handler": "lambda_function.missing"}, "defines no function 'missing'"),
        ({"environment": {"1BAD": "x"}}, "must start with a letter"),
        ({"role": "fake-role"}, "is not an IAM role ARN"),
    ],
)
def test_bad_deploy_input_changes_nothing(
    clients: AwsClients, tmp_path: Path, spec_changes: dict[str, Any], message: str
) -> None:
    name = spec_changes.pop("name", f"bad-{uuid.uuid4().hex[:8]}")
    with pytest.raises(ValidationError, match=message):
        deploy_function(clients, DeploySpec(seed_dir(tmp_path), name, **spec_changes))
    if " " not in name:
        with pytest.raises(NotFoundError):
            get_function(clients, name)


def test_syntax_error_and_missing_source_are_refused(clients: AwsClients, tmp_path: Path) -> None:
    broken = seed_dir(tmp_path, "def lambda_handler(event, context)\n    return 1\n")
    with pytest.raises(ValidationError, match=r"syntax error in lambda_function\.py, line 1"):
        deploy_function(clients, DeploySpec(broken, f"x-{uuid.uuid4().hex[:6]}"))
    with pytest.raises(ValidationError, match="no such file or directory"):
        deploy_function(clients, DeploySpec(tmp_path / "missing", "whatever"))


def test_invalid_payload_and_missing_function(clients: AwsClients) -> None:
    with pytest.raises(ValidationError, match="not valid JSON"):
        parse_payload("{not json")
    with pytest.raises(NotFoundError, match="no Lambda function named nobody-here"):
        invoke_function(clients, "nobody-here")
    with pytest.raises(NotFoundError, match="no Lambda function named nobody-here"):
        get_function(clients, "arn:aws:lambda:us-east-1:000000000000:function:nobody-here")


@pytest.mark.parametrize(
    "value", ["arn:aws:lambda:us-east-1:000000000000:function", "arn:aws:s3:::bucket", "a" * 65, ""]
)
def test_bad_function_names(value: str) -> None:
    with pytest.raises(ValidationError):
        function_name(value)


def test_remote_endpoint_is_read_only(tmp_path: Path) -> None:
    remote = AwsClients(
        Connection(endpoint_url="https://lambda.us-east-1.amazonaws.com", access_key_id="x", secret_access_key="y")
    )
    with pytest.raises(RemoteWriteRefusedError, match="refusing to deploy function f"):
        deploy_function(remote, DeploySpec(seed_dir(tmp_path), "f"))
    with pytest.raises(RemoteWriteRefusedError):
        invoke_function(remote, "f")
