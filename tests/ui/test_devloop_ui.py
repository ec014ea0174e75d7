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
from tests.ui.conftest import World, make_app, mounted, wait_for

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
        detail = await mounted(pilot, main, FunctionDetail)
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


async def test_watching_pauses_across_a_server_restart_and_asks_before_recreating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from localstack_tui.core.connection import Connection
    from localstack_tui.core.errors import LstuiError
    from localstack_tui.core.health import probe_health
    from localstack_tui.ui.screens.confirm import ConfirmScreen
    from tests.conftest import start_server

    monkeypatch.setenv("LSTUI_STATE_DIR", str(tmp_path / "state"))
    own = start_server(tmp_path / "data")
    restarted = None
    try:
        clients = AwsClients(Connection(endpoint_url=own.endpoint_url, access_key_id="test", secret_access_key="test"))
        source = tmp_path / "src"
        source.mkdir()
        handler = source / "lambda_function.py"
        handler.write_text(CODE.format(n=1))
        name = f"restart-{uuid.uuid4().hex[:6]}"
        deploy_function(clients, DeploySpec(source, name))
        async with make_app(own.endpoint_url).run_test(size=(160, 48)) as pilot:
            app: Any = pilot.app
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.is_mounted, what="main")
            main: MainScreen = app.screen
            await main.watch_function(name, str(source))
            detail = await mounted(pilot, main, FunctionDetail)
            await wait_for(pilot, lambda: detail.name_shown == name, timeout=30, what="the function shown")

            def kinds() -> list[str]:
                return [event.kind for event in detail.history.get(name, [])]

            await wait_for(pilot, lambda: "unchanged" in kinds(), what="the first check")

            own.stop(signal.SIGKILL)  # LocalStack dies with its supervisor (it notices within ~0.5 s)

            def gone() -> bool:
                try:
                    probe_health(own.endpoint_url, timeout=0.5)
                except LstuiError:
                    return True
                return False

            # Not before: a save while LocalStack still answered would simply be deployed (CI saw it).
            await wait_for(pilot, gone, timeout=15, what="LocalStack gone")
            handler.write_text(CODE.format(n=2))  # a save while it is away
            await wait_for(pilot, lambda: "paused" in kinds(), timeout=15, what="watching paused")

            restarted = start_server(tmp_path / "data-2", port=own.port)  # no persistence: the function is gone
            await wait_for(pilot, lambda: "resumed" in kinds(), timeout=15, what="watching resumed")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), timeout=15, what="the offer")
            await pilot.press("y")
            await wait_for(pilot, lambda: "created" in kinds(), timeout=30, what="created again")
            assert invoke_function(clients, name).payload == '{"version": 2}', "created from the source as saved"
    finally:
        for running in (own, restarted):
            if running is not None:
                running.stop()
