"""lstui in a real terminal (tmux), read back as a person would see it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.ui.conftest import World

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def capture(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, text=True).stdout


def wait_for_screen(session: str, *needles: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if all(needle in screen for needle in needles):
            return screen
        time.sleep(0.3)
    raise AssertionError(f"{needles} not on screen:\n{screen}")


def keys(session: str, *sequence: str) -> None:
    """Type as a person does: one key at a time, a moment apart."""
    for key in sequence:
        subprocess.run(["tmux", "send-keys", "-t", session, key], check=True)
        time.sleep(0.3)


def test_lstui_in_tmux_at_160x48(world: World) -> None:
    session = f"lstui-test-{uuid.uuid4().hex[:6]}"
    command = f"{sys.executable} -m localstack_tui.cli --endpoint-url {world.endpoint}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "48", "-c", str(REPO), command],
        check=True,
        env={
            "TERM": "xterm-256color",
            "PATH": "/usr/bin:/bin",
            "LSTUI_CONFIG": "/nonexistent.toml",
            "HOME": str(Path.home()),
        },
    )
    try:
        # Other tests' resources may fill the lists: check what every run shows.
        screen = wait_for_screen(session, "● connected", " bucket", " queue", " function")
        assert world.endpoint in screen
        for title in ("Buckets", "Queues", "Functions", "Logs"):
            assert title in screen
        # Keys as a person types them: Enter opens the bucket, its notifications show.
        keys(session, "/")
        subprocess.run(["tmux", "send-keys", "-t", session, "-l", world.bucket], check=True)
        time.sleep(0.3)
        keys(session, "Enter", "Enter")
        screen = wait_for_screen(session, f"Bucket · {world.bucket}", "Notifications", "EventBridge")
        assert "docs/" in screen and "images/" in screen
        keys(session, "?")
        wait_for_screen(session, "Keys", "main.refresh")
        keys(session, "Escape", "Escape", "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode == 0
            if not alive:
                break
            time.sleep(0.2)
        assert not alive, "q quits lstui"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
