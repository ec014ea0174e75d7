"""The dev loop: watch a handler's source and redeploy it when it changes.

A burst of saves is coalesced (watchfiles' debounce, tuned down from 1.6 s);
deploys run one at a time, so never two updates are in flight for a function;
a syntax error skips the deploy and the live version stays live; an unchanged
tree (same SHA-256 as the function's CodeSha256) is not deployed again. When
LocalStack goes away the loop pauses, and resumes when it is back; a function
that was lost (LocalStack restarted without persistence) is created again from
the source — after asking, when the loop was given someone to ask.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import EndpointError, LstuiError, ValidationError
from localstack_tui.core.functions import DeploySpec, deploy_function, function_exists
from localstack_tui.core.health import probe_health

# watchfiles yields once the files were quiet for STEP_MS, or at the latest after DEBOUNCE_MS of
# changes (its defaults, 50 ms and 1,600 ms, would split a burst of saves or add 1.6 s to each).
DEBOUNCE_MS = 400
STEP_MS = 100
RETRY_SECONDS = 1.0

EventKind = Literal["deployed", "created", "unchanged", "skipped", "failed", "paused", "resumed", "watching", "lost"]


@dataclass(frozen=True)
class DevLoopEvent:
    """One thing the loop did, for a line in the terminal or the function pane."""

    kind: EventKind
    message: str
    seconds: float = 0.0
    code_sha256: str = ""
    size: int = 0
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def line(self) -> str:
        stamp = self.at.astimezone().strftime("%H:%M:%S")
        return f"{stamp}  {self.kind:<9} {self.message}"


def watch_filter(source: Path) -> Callable[[object, str], bool]:
    """Which changed paths count: the source itself (a file) or its tree, less caches and editors' files."""
    from localstack_tui.core.packaging import EXCLUDED_DIRS, is_excluded  # the packager: when watching starts

    root = source.resolve()

    def accept(_change: object, path: str) -> bool:
        changed = Path(path)
        if root.is_file():
            return changed == root
        try:
            relative = changed.resolve().relative_to(root).as_posix()
        except ValueError:
            return False
        # A cache or VCS folder itself (not only the files in it) is no change to the code.
        return not is_excluded(relative) and not any(part in EXCLUDED_DIRS for part in relative.split("/"))

    return accept


class DevLoop:
    """Redeploys `spec.source` to `spec.name` on every change until `stop` is set."""

    def __init__(
        self,
        clients: AwsClients,
        spec: DeploySpec,
        on_event: Callable[[DevLoopEvent], None],
        stop: threading.Event | None = None,
        confirm_create: Callable[[str], bool] | None = None,
    ) -> None:
        self.clients = clients
        self.spec = spec
        self.on_event = on_event
        self.stop = stop or threading.Event()
        # Asked (from the loop's thread) before a missing function is created again; None: just create it.
        self.confirm_create = confirm_create
        self.deploys = 0

    def deploy_once(self) -> DevLoopEvent:
        """Deploy the source as it is now (or say why not)."""
        started = time.monotonic()
        missing = self.confirm_create is not None and not function_exists(self.clients, self.spec.name)
        if missing and self.confirm_create is not None and not self.confirm_create(self.spec.name):
            return DevLoopEvent(
                "lost",
                f"{self.spec.name} no longer exists on {self.clients.connection.endpoint_url}; "
                "not created again (the next save asks again)",
            )
        try:
            result = deploy_function(self.clients, self.spec)
        except ValidationError as exc:
            return DevLoopEvent("skipped", f"{exc} — the live version stays live")
        except EndpointError:
            raise
        except LstuiError as exc:
            return DevLoopEvent("failed", str(exc), time.monotonic() - started)
        info = result.info
        if result.created:
            kind: EventKind = "created"
        elif result.code_updated or result.config_updated:
            kind = "deployed"
        else:
            kind = "unchanged"
        if kind != "unchanged":
            self.deploys += 1
        message = (
            f"{info.name}: {result.package_size} bytes, CodeSha256 {info.code_sha256[:12]}…"
            if kind != "unchanged"
            else f"{info.name}: same code as live (CodeSha256 {info.code_sha256[:12]}…), not deployed"
        )
        return DevLoopEvent(kind, message, result.seconds, info.code_sha256, result.package_size)

    def _deploy_reporting(self) -> None:
        while not self.stop.is_set():
            try:
                event = self.deploy_once()
            except EndpointError as exc:
                self.on_event(DevLoopEvent("paused", f"{exc}; waiting for LocalStack to come back"))
                self._wait_for_endpoint()
                if self.stop.is_set():
                    return
                self.on_event(
                    DevLoopEvent("resumed", f"LocalStack answers again at {self.clients.connection.endpoint_url}")
                )
                continue
            self.on_event(event)
            return

    def _wait_for_endpoint(self) -> None:
        while not self.stop.wait(RETRY_SECONDS):
            try:
                probe_health(self.clients.connection.endpoint_url, timeout=1.0)
            except LstuiError:
                continue
            return

    def changes(self) -> Iterator[set[tuple[Any, str]]]:
        """watchfiles' change sets for the source, until stopped."""
        from watchfiles import watch

        target = self.spec.source.resolve()
        folder = target.parent if target.is_file() else target
        yield from watch(
            folder,
            watch_filter=watch_filter(self.spec.source),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self.stop,
            raise_interrupt=False,
        )

    def run(self) -> None:
        """Deploy once, then again after every burst of changes, until `stop` is set."""
        if not self.spec.source.exists():
            raise ValidationError(f"no such file or directory: {self.spec.source}")
        self._deploy_reporting()
        self.on_event(DevLoopEvent("watching", f"{self.spec.source} → {self.spec.name} (Ctrl-C stops)"))
        for _changes in self.changes():
            if self.stop.is_set():
                break
            self._deploy_reporting()


def state_path() -> Path:
    """Where lstui remembers which source each function is bound to (LSTUI_STATE_DIR overrides)."""
    import os

    from platformdirs import user_state_path

    override = os.environ.get("LSTUI_STATE_DIR")
    folder = Path(override) if override else user_state_path("lstui", appauthor=False)
    return folder / "watch.json"


def load_bindings() -> dict[str, dict[str, str]]:
    """{endpoint: {function: source}}; an unreadable file is an empty one."""
    import json

    try:
        data = json.loads(state_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def bound_source(endpoint: str, function: str) -> str | None:
    source = load_bindings().get(endpoint, {}).get(function)
    return source if isinstance(source, str) else None


def bind_source(endpoint: str, function: str, source: str) -> None:
    """Remember `function` on `endpoint` is built from `source`."""
    import json

    bindings = load_bindings()
    bindings.setdefault(endpoint, {})[function] = source
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(bindings, indent=2))
    tmp.replace(path)
