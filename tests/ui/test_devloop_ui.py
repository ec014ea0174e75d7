"""Watching a function's source from the function pane: save → redeployed → the new code answers."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.devloop import bound_source
from localstack_tui.core.functions import DeploySpec, deploy_function, invoke_function
from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.screens.source_prompt import SourcePrompt
from localstack_tui.ui.widgets.function_detail import FunctionDetail
from tests.ui.conftest import World, make_app, wait_for

CODE = "def lambda_handler(event, context):\n    return {{'version': {n}}}\n"


async def test_watch_from_the_function_pane(
    world: World, clients: AwsClients, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LSTUI_STATE_DIR", str(tmp_path / "state"))
    source = tmp_path / "src"
    source.mkdir()
    handler = source / "lambda_function.py"
    handler.write_text(CODE.format(n=1))
    name = f"watch-ui-{uuid.uuid4().hex[:6]}"
    deploy_function(clients, DeploySpec(source, name))
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.is_mounted, what="main")
        main: MainScreen = app.screen

        def listed() -> bool:
            try:
                return main.jump_to("function", name)
            except Exception:
                return False

        await wait_for(pilot, listed, timeout=30, what="the function listed")
        detail = main.query_one(FunctionDetail)
        await wait_for(pilot, lambda: detail.name_shown == name, what="the function open")
        await pilot.press("W")
        await wait_for(pilot, lambda: isinstance(app.screen, SourcePrompt), what="the source prompt")
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        await wait_for(pilot, lambda: name in detail.loops, what="watching")
        await wait_for(
            pilot, lambda: any(e.kind == "unchanged" for e in detail.history.get(name, [])), what="the first check"
        )
        assert bound_source(world.endpoint, name) == str(source.resolve())

        handler.write_text(CODE.format(n=2))
        started = time.monotonic()
        await wait_for(pilot, lambda: invoke_function(clients, name).payload == '{"version": 2}', what="the new code")
        assert time.monotonic() - started < 10
        await wait_for(pilot, lambda: any(e.kind == "deployed" for e in detail.history[name]), what="the event")

        await pilot.press("W")  # stop watching
        assert name not in detail.loops
        handler.write_text(CODE.format(n=3))
        await pilot.pause(1.5)
        assert invoke_function(clients, name).payload == '{"version": 2}', "no deploy once watching stopped"
