"""The log pane: filter (CloudWatch patterns), pause and resume, timestamps."""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import Input, RichLog

from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.widgets.log_pane import LogPane
from tests.ui.conftest import World, make_app, wait_for


def shown(pane: LogPane) -> list[str]:
    return [line.text for line in pane.query_one(RichLog).lines]


async def test_filter_pause_and_timestamps(world: World, aws: Any) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app

        def jumped() -> bool:
            screen = app.screen
            if not isinstance(screen, MainScreen) or not screen.is_mounted:
                return False
            try:
                return screen.jump_to("function", world.function)
            except Exception:
                return False

        await wait_for(pilot, jumped, timeout=30, what="the function")
        pane = app.screen.query_one(LogPane)
        await wait_for(pilot, lambda: any("handled" in line for line in shown(pane)), what="log lines")
        assert any("START RequestId" in line for line in shown(pane))

        pane.query_one(RichLog).focus()
        await pilot.press("f")
        box = pane.query_one("#log-filter", Input)
        assert box.has_focus
        box.value = "handled -nothing"
        await pilot.pause(0.2)
        lines = shown(pane)
        assert lines and all("handled" in line for line in lines)
        assert "filter 'handled -nothing'" in str(pane.border_title)

        box.value = "{ $.bad"  # not a valid pattern: said in the title, the view unchanged
        await pilot.pause(0.2)
        assert "bad filter pattern" in str(pane.border_title)
        box.value = "handled"
        await pilot.pause(0.2)

        pane.query_one(RichLog).focus()
        await pilot.press("P")
        assert pane.paused and "paused" in str(pane.border_title)
        before = len(shown(pane))
        aws("lambda").invoke(FunctionName=world.function, Payload=json.dumps({"Records": [{}]}).encode())
        await wait_for(pilot, lambda: any("handled 1" in event.message for event in pane.ring), what="the new line")
        assert len(shown(pane)) == before, "nothing is added while paused"
        await pilot.press("P")
        assert any("handled 1" in line for line in shown(pane))

        stamped = shown(pane)[0]
        await pilot.press("t")
        assert shown(pane)[0] != stamped and stamped.endswith(shown(pane)[0].strip())
