"""`lstui config`, and a broken config file: lstui starts with the defaults and says where the error is."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from textual.notifications import Notification

from localstack_tui.core.config import load_config_for
from localstack_tui.ui.app import LstuiApp
from localstack_tui.ui.screens.main import MainScreen
from tests.conftest import RunningServer
from tests.ui.conftest import make_app, wait_for

BROKEN = 'default_profile = "x"\n[profiles.x\nendpoint_url = 1\n'


def run(config: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["LSTUI_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "localstack_tui.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        input=stdin,
    )


def test_config_commands_write_a_private_file(tmp_path: Path) -> None:
    config = tmp_path / "dir" / "config.toml"
    assert run(config, "config", "path").stdout.strip() == str(config)
    assert run(config, "config", "init").returncode == 0
    again = run(config, "config", "init")
    assert again.returncode == 1 and "already exists" in again.stderr
    added = run(
        config,
        "config",
        "add-profile",
        "team",
        "--endpoint-url",
        "http://127.0.0.1:4600",
        "--access-key-id",
        "AKID",
        "--default",
        stdin="s3cr3t\n",
    )  # fmt: skip: the secret is read from stdin (a prompt on a terminal), not from argv
    assert added.returncode == 0, added.stderr
    assert 'secret_access_key = "s3cr3t"' in config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    shown = run(config, "config", "show")
    assert "default profile  team" in shown.stdout and "s3cr3t" not in shown.stdout, "secrets are not printed"
    bad = run(config, "config", "add-profile", "x", "--endpoint-url", "not a url")
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_a_broken_config_gives_the_defaults_and_says_where(tmp_path: Path, server: RunningServer) -> None:
    config = tmp_path / "config.toml"
    config.write_text(BROKEN)
    result = run(config, "--endpoint-url", server.endpoint_url, "status")
    assert result.returncode == 0, result.stderr
    assert f"{config} is not valid TOML" in result.stderr and "line 2" in result.stderr
    assert "using the defaults" in result.stderr
    named = run(config, "--profile", "x", "status")
    assert named.returncode == 1 and "cannot use profile x" in named.stderr


async def test_the_tui_starts_on_a_broken_config_and_says_so(
    tmp_path: Path, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(BROKEN)
    monkeypatch.setenv("LSTUI_CONFIG", str(config))
    defaults, warnings = load_config_for(None)  # what `lstui` runs with (cli.run_tui)
    app: LstuiApp = make_app(server.endpoint_url, defaults)
    app.startup_warnings = warnings
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="the main screen")
        shown: list[Notification] = list(app._notifications)
        assert any(f"{config} is not valid TOML" in n.message and "line 2" in n.message for n in shown)
