"""Session fixtures: one real embedded LocalStack (`lstui server`) on a free port."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

# Variables a handler must never see: the fixture starts the server with them set.
LEAKY_ENVIRONMENT = {
    "AWS_PROFILE": "lstui-must-not-leak",
    "AWS_ACCESS_KEY_ID": "AKIAREALUSERKEY00000",
    "AWS_SECRET_ACCESS_KEY": "real-user-secret-must-not-leak",
    "AWS_SESSION_TOKEN": "real-user-token-must-not-leak",
    "GITHUB_TOKEN": "ghp_must_not_leak",
}


# Root reads any file whatever its mode: as root, a command meant to meet an unreadable file runs
# without the capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), as a user would.
_WITHOUT_READ_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                          "--inh-caps=-dac_override,-dac_read_search", "--"]  # fmt: skip
needs_unprivileged = pytest.mark.skipif(
    os.geteuid() == 0 and not shutil.which("setpriv"), reason="root, and no setpriv to drop its rights"
)


def as_a_user(argv: list[str]) -> list[str]:
    """`argv`, run so that file modes apply (see needs_unprivileged)."""
    return [*_WITHOUT_READ_OVERRIDE, *argv] if os.geteuid() == 0 else argv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    """An `lstui server` process started by the tests."""

    process: subprocess.Popen[str]
    port: int
    data_dir: Path
    ready_line: str
    output: list[str]

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


def start_server(
    data_dir: Path, *extra: str, env: dict[str, str] | None = None, port: int | None = None
) -> RunningServer:
    """Run `lstui server` as a user would and wait for its ready line (on `port`, or a free one)."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "localstack_tui.cli",
            "server",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            if "ready at" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 120
    while not ready.wait(0.1):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("lstui server did not start:\n" + "\n".join(output))
    ready_line = next(line for line in output if "ready at" in line)
    return RunningServer(process, port, data_dir, ready_line, output)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("localstack"), env=LEAKY_ENVIRONMENT)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def aws(server: RunningServer) -> Callable[[str], Any]:
    """boto3 clients for the session's server: aws("s3"), aws("lambda")…"""
    cache: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in cache:
            cache[service] = server.client(service)
        return cache[service]

    return client


@pytest.fixture(scope="session")
def clients(server: RunningServer) -> Any:
    """The core's AwsClients for the session's server."""
    from localstack_tui.core.connection import AwsClients, Connection

    return AwsClients(Connection(endpoint_url=server.endpoint_url, access_key_id="test", secret_access_key="test"))
