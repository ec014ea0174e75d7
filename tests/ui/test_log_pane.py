"""The log pane: filter (CloudWatch patterns), pause and resume, timestamps."""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import Input

from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.widgets.log_pane import LogPane
from tests.ui.conftest import World, make_app, wait_for


def shown(pane: LogPane) -> list[str]:
    return pane.view.lines_text()


async def open_function(pilot: Any, name: str) -> None:
    """Select a function on the main screen, once it is listed."""
    app = pilot.app

    def jumped() -> bool:
        screen = app.screen
        if not isinstance(screen, MainScreen) or not screen.is_mounted:
            return False
        try:
            return screen.jump_to("function", name)
        except Exception:
            return False

    await wait_for(pilot, jumped, timeout=30, what="the function")


async def test_filter_pause_and_timestamps(world: World, aws: Any) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app
        await open_function(pilot, world.function)
        pane = app.screen.query_one(LogPane)
        await wait_for(pilot, lambda: any("handled" in line for line in shown(pane)), what="log lines")
        assert any("START RequestId" in line for line in shown(pane))

        pane.view.focus()
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

        pane.view.focus()
        await pilot.press("P")
        assert pane.paused and "paused" in str(pane.border_title)
        before = len(shown(pane))
        aws("lambda").invoke(FunctionName=world.function, Payload=json.dumps({"Records": [{}]}).encode())
        await wait_for(
            pilot, lambda: any("handled 1" in line.event.message for line in pane.view.ring), what="the new line"
        )
        assert len(shown(pane)) == before, "nothing is added while paused"
        await pilot.press("P")
        assert any("handled 1" in line for line in shown(pane))

        stamped = shown(pane)[0]
        await pilot.press("t")
        unstamped = shown(pane)[0]
        assert unstamped != stamped and stamped.endswith(unstamped.removeprefix("▌ "))


async def test_every_function_and_search(world: World, aws: Any) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app
        await open_function(pilot, world.function)
        pane = app.screen.query_one(LogPane)
        await wait_for(pilot, lambda: pane.source == world.function, what="following the function")
        pane.view.focus()
        await pilot.press("a")
        assert pane.following_all and "every function" in str(pane.border_title)
        aws("lambda").invoke(FunctionName=world.consumer, Payload=json.dumps({"Records": []}).encode())
        aws("lambda").invoke(FunctionName=world.function, Payload=json.dumps({"Records": [{}]}).encode())

        def functions_seen() -> set[str]:
            return {line.function for line in pane.view.ring}

        await wait_for(
            pilot, lambda: {world.function, world.consumer} <= functions_seen(), timeout=20, what="both functions"
        )
        assert any(line.startswith(f"▌ {world.consumer[:24]}") for line in shown(pane)), "a function column"

        await pilot.press("slash")
        box = pane.query_one("#log-search", Input)
        assert box.has_focus
        box.value = "REPORT"
        await pilot.press("enter")
        view = pane.view
        assert view.current_match is not None and "REPORT" in view.line(view.current_match).event.message
        first = view.current_match
        await pilot.press("n")
        assert view.current_match != first and "REPORT" in view.line(view.current_match).event.message
        await pilot.press("N")
        assert view.current_match == first
        assert "search 'REPORT'" in str(pane.border_title)

        await pilot.press("a")  # back to the selected function
        assert pane.source == world.function and not pane.following_all
        await wait_for(pilot, lambda: bool(pane.view.ring), what="the function's lines again")
        assert functions_seen() == {world.function}
