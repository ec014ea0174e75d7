"""Supervise an embedded LocalStack: start it, know when it is ready, stop it for sure.

LocalStack runs in a child process of its own session (process group), so
that stopping it can take every process it started, Lambda environments
included, even when LocalStack's own shutdown hangs.

UI-free: the CLI (`lstui server`), the TUI and the test fixtures share it.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_path

from localstack_tui.embedded.requirements import python_too_old
from localstack_tui.embedded.tls_cert import ensure_certificate

READY_POLL_SECONDS = 0.05


class ServerError(Exception):
    """A reason the embedded server cannot run, in one line for the user."""


class Interrupted(Exception):  # noqa: N818 - the user's stop, not an error
    """The caller's stop event was set while starting or waiting (a Ctrl-C whose exception was lost)."""


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while a child is spawned and recorded, then act on them.

    A KeyboardInterrupt raised inside Popen after the fork leaves the child running with no one
    holding its pid: an orphan LocalStack. In the main thread only (elsewhere no signal arrives).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:
            handler = previous[signal.Signals(caught[0])]
            if callable(handler):
                handler(caught[0], None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), caught[0])


def default_data_dir() -> Path:
    return user_data_path("lstui", appauthor=False) / "server"


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Path = field(default_factory=default_data_dir)
    persist: bool = False

    @property
    def connect_host(self) -> str:
        """The address clients use: a wildcard listen address is reached on loopback."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.connect_host}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "localstack.log"


def check_can_run() -> None:
    """Raise ServerError when this Python cannot run the embedded LocalStack."""
    problem = python_too_old()
    if problem:
        raise ServerError(problem)
    try:
        import localstack  # noqa: F401 - only whether it imports
    except ImportError:
        raise ServerError(
            "the embedded LocalStack is not installed: install the 'embedded' extra "
            "(uv sync --extra embedded, or pip install 'localstack-tui[embedded]')"
        ) from None


def check_port_free(host: str, port: int) -> None:
    """Raise ServerError if something already listens on host:port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServerError(
                    f"port {port} on {host} is already in use (another LocalStack? choose another with --port)"
                ) from None
            raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def probe_health(url_host: str, port: int, timeout: float = 1.0) -> dict[str, object] | None:
    """LocalStack's /_localstack/health as a dict, or None when nothing answers it."""
    connection = http.client.HTTPConnection(url_host, port, timeout=timeout)
    try:
        connection.request("GET", "/_localstack/health")
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            return None
        value = json.loads(body)
        return value if isinstance(value, dict) else None
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        connection.close()


def localstack_environment(settings: ServerSettings) -> dict[str, str]:
    """The environment of the LocalStack child process."""
    data_dir = settings.data_dir
    tmp_dir = data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    cert = ensure_certificate(data_dir / "cert" / "server.pem")
    # The user's AWS settings are for their clients, not for the server.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LOCALSTACK_"))}
    # Let the first start write .pyc files: LocalStack imports thousands of modules.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        {
            "GATEWAY_LISTEN": f"{settings.host}:{settings.port}",
            "LOCALSTACK_HOST": f"{settings.connect_host}:{settings.port}",
            "SQS_ENDPOINT_STRATEGY": "path",
            "LAMBDA_RUNTIME_EXECUTOR": "lstui-host",
            # No network here: no analytics on shutdown, no DNS server, no cert download.
            "DISABLE_EVENTS": "1",
            "DNS_ADDRESS": "0",
            "SKIP_SSL_CERT_DOWNLOAD": "1",
            "CUSTOM_SSL_CERT_PATH": str(cert),
            "FILESYSTEM_ROOT": str(data_dir / "filesystem"),
            # Read by localstack_main (LocalStack itself warns on TMPDIR).
            "LSTUI_TMPDIR": str(tmp_dir),
            "PERSISTENCE": "1" if settings.persist else "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # A dev loop wants events through SQS at once: LocalStack's defaults wait 1 s
    # between batches and up to 10 s after an idle poll. The user's values win.
    env.setdefault("LAMBDA_EVENT_SOURCE_MAPPING_POLL_INTERVAL_SEC", "0.05")
    env.setdefault("LAMBDA_EVENT_SOURCE_MAPPING_MAX_BACKOFF_ON_EMPTY_POLL_SEC", "1")
    return env


class EmbeddedServer:
    """A LocalStack child process on this host, with lstui's Lambda executor."""

    def __init__(
        self,
        settings: ServerSettings,
        *,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self._echo = echo
        self._process: subprocess.Popen[bytes] | None = None
        self._pump: threading.Thread | None = None
        self._tail: deque[str] = deque(maxlen=20)

    @property
    def endpoint_url(self) -> str:
        return self.settings.endpoint_url

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 60.0, stop: threading.Event | None = None) -> float:
        """Start LocalStack and wait until it answers; return the seconds it took.

        `stop` set meanwhile (by a signal handler): LocalStack is stopped and Interrupted raised.
        """
        started = time.monotonic()
        check_can_run()
        settings = self.settings
        check_port_free(settings.host, settings.port)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        env = localstack_environment(settings)
        log_file = settings.log_path.open("ab")
        with signals_held():
            self._process = subprocess.Popen(
                [sys.executable, "-m", "localstack_tui.embedded.localstack_main"],
                env=env,
                cwd=settings.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._pump = threading.Thread(
                target=self._pump_output, args=(self._process, log_file), daemon=True, name="localstack-log"
            )
            self._pump.start()
            self._wait_ready(started + timeout, stop)
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - started

    def _pump_output(self, process: subprocess.Popen[bytes], log_file: object) -> None:
        assert process.stdout is not None
        with log_file:  # type: ignore[attr-defined]
            for raw in process.stdout:
                log_file.write(raw)  # type: ignore[attr-defined]
                log_file.flush()  # type: ignore[attr-defined]
                line = raw.decode("utf-8", "replace").rstrip()
                self._tail.append(line)
                if self._echo is not None:
                    self._echo(line)

    def _wait_ready(self, deadline: float, stop: threading.Event | None) -> None:
        settings = self.settings
        while time.monotonic() < deadline:
            assert self._process is not None
            if stop is not None and stop.is_set():
                raise Interrupted
            if self._process.poll() is not None:
                if self._pump is not None:
                    self._pump.join(timeout=2)
                last = next((line for line in reversed(self._tail) if line.strip()), "")
                raise ServerError(
                    f"LocalStack exited during start-up (status {self._process.returncode}): "
                    f"{last or 'no output'} — see {settings.log_path}"
                )
            if probe_health(settings.connect_host, settings.port, timeout=0.5) is not None:
                return
            time.sleep(READY_POLL_SECONDS)
        raise ServerError(f"LocalStack did not become ready in time — see {settings.log_path}")

    def wait(self, stop: threading.Event | None = None) -> int:
        """Block until LocalStack exits and return its exit status; Interrupted once `stop` is set."""
        assert self._process is not None
        while True:
            if stop is not None and stop.is_set():
                raise Interrupted
            with contextlib.suppress(subprocess.TimeoutExpired):
                return self._process.wait(timeout=None if stop is None else 0.5)

    def stop(self, grace: float = 5.0) -> None:
        """Stop LocalStack and every process it started; never hangs past `grace`."""
        process = self._process
        if process is None:
            return
        group = process.pid  # the child leads its own process group
        if process.poll() is None:
            _signal_group(group, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
        # Whatever is left (a hung shutdown, Lambda environments) goes now.
        _signal_group(group, signal.SIGKILL)
        process.wait()
        if self._pump is not None:
            self._pump.join(timeout=2)

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(group: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, sig)


class BackgroundServer:
    """`lstui server` started from the TUI as a process of its own session.

    Being its own supervisor, it can outlive lstui when the user asks to keep
    it; otherwise `stop()` ends it and everything it started.
    """

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self._process: subprocess.Popen[str] | None = None
        self.output: deque[str] = deque(maxlen=50)

    @property
    def endpoint_url(self) -> str:
        return self.settings.endpoint_url

    def start(self, timeout: float = 120.0) -> float:
        """Start it and wait for its ready line; ServerError says why it did not come."""
        problem = python_too_old()
        if problem:
            raise ServerError(problem)
        started = time.monotonic()
        command = [
            sys.executable, "-m", "localstack_tui.cli", "server",
            "--host", self.settings.host, "--port", str(self.settings.port),
            "--data-dir", str(self.settings.data_dir),
        ]  # fmt: skip
        if self.settings.persist:
            command.append("--persist")
        with signals_held():
            self._process = process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        assert process.stdout is not None
        ready = threading.Event()

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                self.output.append(line.rstrip("\n"))
                if "ready at" in line:
                    ready.set()

        threading.Thread(target=read, daemon=True, name="lstui-server-output").start()
        while not ready.wait(0.1):
            if process.poll() is not None:
                time.sleep(0.1)  # let the reader take the last lines
                last = next((line for line in reversed(self.output) if line.strip()), "no output")
                raise ServerError(last.removeprefix("lstui server: "))
            if time.monotonic() - started > timeout:
                self.stop()
                raise ServerError(f"the embedded LocalStack did not become ready in {timeout:.0f} s")
        return time.monotonic() - started

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def how_it_ended(self) -> str:
        """Why it is not running: "killed by SIGKILL", "exit code 1"… and its last line of output."""
        code = self._process.poll() if self._process is not None else None
        if code is None:
            return "still running" if self._process is not None else "never started"
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        last = next((line for line in reversed(self.output) if line.strip()), "")
        return f"{how}; its last line: {last}" if last else how

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM it (it stops LocalStack and its handlers) and wait; SIGKILL past `timeout`."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()
