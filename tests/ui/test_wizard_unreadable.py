"""The wizards meet files the user cannot read: the field is marked, or Apply says so, and nothing goes up.

Root reads any file, and the tests run as root in CI: the app runs in its own process without the
capabilities that let root read everything (tests/conftest.py, as_a_user), driven by Textual's Pilot.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tests.conftest import as_a_user, needs_unprivileged
from tests.ui.conftest import HANDLER, World
from tests.ui.test_wizard_bad_input import snapshot

ROOT = Path(__file__).resolve().parents[2]

# The app as a user runs it: each case opens a wizard, fills it, and reports what the plan and Apply did.
SCRIPT = r"""
import asyncio, json, sys
from textual.widgets import Button
from tests.ui.conftest import World, make_app, wait_for
from tests.ui.test_wizards import open_wizard, plan_text
from tests.ui.test_wizard_bad_input import refused, set_field
from localstack_tui.ui.wizards.deploy import DeployWizard
from localstack_tui.ui.wizards.upload import UploadWizard

world = World(**json.loads(sys.argv[1]))
cases = json.loads(sys.argv[2])
KINDS = {"u": UploadWizard, "d": DeployWizard}


async def main():
    report = []
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        for key, fields, says, when in cases:
            kind = KINDS[key]
            wizard = await open_wizard(pilot, world, key, kind)
            for field, value in fields.items():
                set_field(wizard, field, value)
            if when == "apply":  # the plan cannot see it: Apply must say it before the first byte goes up
                await pilot.pause(0.3)
                await pilot.press("ctrl+s")
                await wait_for(pilot, lambda w=wizard: not w.running and "✗" in plan_text(w), timeout=30,
                               on_timeout=lambda w=wizard: plan_text(w))
            else:
                await wait_for(pilot, lambda w=wizard, s=says: refused(w, s), timeout=10,
                               on_timeout=lambda w=wizard: plan_text(w))
            report.append({
                "plan": plan_text(wizard),
                "apply_disabled": wizard.query_one("#wizard-apply", Button).disabled,
                "applied": wizard.outcome is not None,
            })
            await pilot.press("escape")
            await wait_for(pilot, lambda k=kind: not isinstance(pilot.app.screen, k), what="the wizard closed")
    print(json.dumps(report))

asyncio.run(main())
"""


def objects(aws: Any, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in aws("s3").list_objects_v2(Bucket=bucket).get("Contents", []))


@needs_unprivileged
def test_wizards_refuse_files_the_user_cannot_read(world: World, aws: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours\n")
    readable = tmp_path / "readable.txt"
    readable.write_text("fine\n")
    directory = tmp_path / "photos"
    directory.mkdir()
    (directory / "ok.txt").write_text("fine\n")
    locked = directory / "locked.txt"
    locked.write_text("not yours\n")
    source = tmp_path / "src" / "lambda_function.py"
    source.parent.mkdir()
    source.write_text(HANDLER)
    unreadable = (secret, locked, source)
    cases = [
        # (wizard key, fields, what it must say, when: in the plan or on Apply)
        ("u", {"bucket": world.bucket, "paths": str(secret)}, f"cannot read {secret}: Permission denied", "plan"),
        (
            "d",
            {"source": str(source), "name": "wiz-unreadable-fn"},
            "cannot read lambda_function.py: Permission denied",
            "plan",
        ),
        # A readable file first, then a directory holding an unreadable one: not even the first goes up.
        (
            "u",
            {"bucket": world.bucket, "paths": f"{readable}, {directory}", "prefix": "unreadable-case"},
            f"cannot read {locked}: Permission denied",
            "apply",
        ),
    ]
    before = (snapshot(aws), objects(aws, world.bucket))
    for path in unreadable:
        path.chmod(0)
    try:
        result = subprocess.run(
            as_a_user([sys.executable, "-c", SCRIPT, json.dumps(asdict(world)), json.dumps(cases)]),
            capture_output=True, text=True, timeout=300, cwd=ROOT,
            env={**os.environ, "LSTUI_CONFIG": str(tmp_path / "no-config.toml")},
        )  # fmt: skip
    finally:
        for path in unreadable:
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for (key, fields, says, when), seen in zip(cases, report, strict=True):
        error_lines = [line for line in seen["plan"].splitlines() if line.lstrip().startswith("✗")]
        assert any(says in line for line in error_lines), f"{key} {fields}: {says!r} not in\n{seen['plan']}"
        assert not seen["applied"], f"{key} {fields} was applied"
        if when == "plan":
            assert seen["apply_disabled"], f"{key} {fields} left Apply on"
    assert (snapshot(aws), objects(aws, world.bucket)) == before, "nothing changed on the server"
