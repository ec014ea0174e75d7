"""LocalStack's Lambda runtime executor, with host processes instead of containers.

Loaded by LocalStack (inside the `lstui server` child) through the plux
entry point `localstack.lambda.runtime_executor: lstui-host`; it imports
LocalStack and must only be imported there.

Each execution environment is one `python_runtime.py` process that speaks the
same HTTP contract as LocalStack's in-container init. This side starts it,
guards its timeout, notices when it dies, and replaces it when needed.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import requests
from localstack import config
from localstack.services.lambda_.invocation.executor_endpoint import (
    ExecutorEndpoint,
    StatusErrorException,
)
from localstack.services.lambda_.invocation.lambda_models import (
    FunctionVersion,
    InvocationResult,
)
from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin
from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)
from localstack.utils.net import get_free_tcp_port

LOG = logging.getLogger(__name__)

RUNTIME_SCRIPT = Path(__file__).with_name("python_runtime.py")
HOST_PYTHON = f"python{sys.version_info.major}.{sys.version_info.minor}"
# Host variables a handler process may see; everything else of the server's
# environment (credentials, AWS_PROFILE, tokens) stays out.
PASSED_HOST_VARIABLES = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT")
# Extra seconds past the function's Timeout before this side gives up on a
# runtime that did not report its own timeout (wedged in C code, say).
TIMEOUT_GRACE_SECONDS = 2.0
STARTUP_TIMEOUT_SECONDS = 30.0

_warned_versions: set[str] = set()
_warned_lock = threading.Lock()


def handler_environment(env_vars: dict[str, object], code_dir: str, home: str) -> dict[str, str]:
    """The environment of a handler process: LocalStack's Lambda variables and
    a few host variables, nothing else of the server's own environment."""
    env = {key: os.environ[key] for key in PASSED_HOST_VARIABLES if key in os.environ}
    env.update({key: str(value) for key, value in env_vars.items() if value is not None})
    env.update(
        {
            "LAMBDA_TASK_ROOT": code_dir,
            "LAMBDA_RUNTIME_DIR": str(RUNTIME_SCRIPT.parent),
            "HOME": home,
            "TMPDIR": home,
            # boto3 in a handler must not read the user's ~/.aws files.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    env.pop("AWS_PROFILE", None)
    return env


def _synthetic_logs(request_id: str, message: str) -> str:
    """The log of an invocation whose runtime could not report it itself."""
    return (
        f"START RequestId: {request_id} Version: $LATEST\n"
        f"{message}\n"
        f"END RequestId: {request_id}\n"
        f"REPORT RequestId: {request_id}\n"
    )


class HostRuntimeExecutor(RuntimeExecutor):
    """One execution environment, run as a host process."""

    def __init__(self, id: str, function_version: FunctionVersion) -> None:  # noqa: A002 - LocalStack names it
        super().__init__(id=id, function_version=function_version)
        self.executor_endpoint = ExecutorEndpoint(
            self.id, container_address="127.0.0.1", container_port=get_free_tcp_port()
        )
        self._process: subprocess.Popen[bytes] | None = None
        self._env: dict[str, str] = {}
        self._home = ""
        self._output: collections.deque[str] = collections.deque(maxlen=500)
        self._lock = threading.Lock()
        self._stopped = False
        self._request_id = ""
        self._session = requests.Session()
        self._session.trust_env = False  # never through a proxy

    # -- lifecycle ------------------------------------------------------------
    def start(self, env_vars: dict[str, str]) -> None:
        config_ = self.function_version.config
        code = config_.code
        if code is None:
            raise LambdaRuntimeException("lstui's host executor runs zip-packaged functions only")
        code_dir = str(code.get_unzipped_code_location())
        self._home = tempfile.mkdtemp(prefix=f"lambda-{self.id}-")
        self._env = handler_environment(dict(env_vars), code_dir, self._home)
        self.executor_endpoint.start()
        self._spawn()
        self.executor_endpoint.wait_for_startup()

    def _spawn(self) -> None:
        process = subprocess.Popen(
            [sys.executable, str(RUNTIME_SCRIPT), str(self.executor_endpoint.container_port)],
            env=self._env,
            cwd=self._env["LAMBDA_TASK_ROOT"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._process = process
        threading.Thread(target=self._watch, args=(process,), daemon=True, name=f"lambda-env-{self.id}").start()

    def _watch(self, process: subprocess.Popen[bytes]) -> None:
        """Collect the process's own output; when it dies, fail what waits on it."""
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self._output.append(line)
            LOG.debug("[lambda %s] %s", self.id, line)
        code = process.wait()
        if self._stopped or process is not self._process:
            return
        LOG.debug("Execution environment %s exited with status %s", self.id, code)
        endpoint = self.executor_endpoint
        request_id = self._request_id
        message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}"
        error = json.dumps({"errorType": "Runtime.ExitError", "errorMessage": message}).encode()
        startup = endpoint.startup_future
        if startup is not None and not startup.done():
            startup.set_exception(StatusErrorException("Environment startup failed", error))
        invocation = endpoint.invocation_future
        if invocation is not None and not invocation.done():
            logs = _synthetic_logs(request_id, message)
            invocation.set_result(InvocationResult(request_id, error, is_error=True, logs=logs))

    def stop(self) -> None:
        self._stopped = True
        self._terminate()
        try:
            self.executor_endpoint.shutdown()
        except Exception as exc:  # the endpoint may never have started
            LOG.debug("Error shutting down endpoint of %s: %s", self.id, exc)
        self._session.close()

    def _terminate(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    # -- addresses -------------------------------------------------------------
    def get_address(self) -> str:
        return "127.0.0.1"

    def get_endpoint_from_executor(self) -> str:
        return "127.0.0.1"

    def get_runtime_endpoint(self) -> str:
        port = config.GATEWAY_LISTEN[0].port
        return f"http://127.0.0.1:{port}{self.executor_endpoint.get_endpoint_prefix()}"

    # -- invocations -----------------------------------------------------------
    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        with self._lock:
            process = self._process
            if process is None or process.poll() is not None:
                self._restart()
        endpoint = self.executor_endpoint
        self._request_id = payload.get("invoke-id", "")
        future: Future[InvocationResult] = Future()
        endpoint.invocation_future = future
        endpoint.logs = None
        url = f"http://127.0.0.1:{endpoint.container_port}/invoke"
        response = self._session.post(url, json=payload, timeout=10)
        if not response.ok:
            raise LambdaRuntimeException(f"environment {self.id} refused the invocation: {response.status_code}")
        timeout = float(self.function_version.config.timeout) + TIMEOUT_GRACE_SECONDS
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            # The runtime did not report its own timeout: it is wedged. Replace it.
            request_id = self._request_id
            timeout_text = f"Task timed out after {float(self.function_version.config.timeout):.2f} seconds"
            message = f"RequestId: {request_id} Error: {timeout_text}"
            self._terminate()
            error = {"errorType": "Sandbox.Timedout", "errorMessage": message}
            logs = _synthetic_logs(request_id, message)
            return InvocationResult(request_id, json.dumps(error).encode(), is_error=True, logs=logs)

    def _restart(self) -> None:
        """Replace a dead environment process by a fresh one (a new cold start)."""
        LOG.debug("Replacing dead execution environment process of %s", self.id)
        endpoint = self.executor_endpoint
        endpoint.startup_future = Future()
        self._spawn()
        try:
            endpoint.startup_future.result(timeout=STARTUP_TIMEOUT_SECONDS)
        except FutureTimeout as exc:
            self._terminate()
            raise LambdaRuntimeException(f"environment {self.id} did not start again") from exc

    def get_logs(self) -> str:
        return "\n".join(self._output)

    # -- versions --------------------------------------------------------------
    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        runtime = function_version.config.runtime or ""
        if not runtime.startswith("python"):
            raise LambdaRuntimeException(
                f"lstui's host executor runs Python functions only, not {runtime or 'container images'}"
            )
        if runtime != HOST_PYTHON:
            with _warned_lock:
                if function_version.qualified_arn not in _warned_versions:
                    _warned_versions.add(function_version.qualified_arn)
                    LOG.warning(
                        "%s declares %s; lstui runs it with the host's %s",
                        function_version.id.function_name,
                        runtime,
                        HOST_PYTHON,
                    )
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        pass

    @classmethod
    def validate_environment(cls) -> bool:
        return True


class HostRuntimeExecutorPlugin(RuntimeExecutorPlugin):
    """The plux plugin LocalStack finds under `localstack.lambda.runtime_executor`."""

    name = "lstui-host"

    def load(self, *args: object, **kwargs: object) -> type[RuntimeExecutor]:
        return HostRuntimeExecutor
