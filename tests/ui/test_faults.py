"""The server killed and started again under a running lstui: said at once, no traceback, the place kept;
the embedded server lstui started itself is offered a restart."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Label

from localstack_tui.ui.screens.confirm import ConfirmScreen
from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.screens.no_localstack import NoLocalStackScreen
from localstack_tui.ui.widgets.bucket_detail import BucketDetail
from localstack_tui.ui.widgets.lists import BucketList
from localstack_tui.ui.widgets.status_bar import StatusBar
from tests.conftest import free_port, start_server
from tests.ui.conftest import main_screen, make_app, wait_for


async def test_server_killed_and_back(tmp_path: Path) -> None:
    own = start_server(tmp_path / "data")
    again = None
    try:
        own.client("s3").create_bucket(Bucket="kept-bucket")
        own.client("s3").put_object(Bucket="kept-bucket", Key="a.txt", Body=b"a")
        async with make_app(own.endpoint_url).run_test(size=(160, 48)) as pilot:
            app: Any = pilot.app
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.is_mounted, what="main")
            main: MainScreen = app.screen
            await wait_for(pilot, lambda: main.jump_to("bucket", "kept-bucket"), timeout=30, what="the bucket")
            bar = main.query_one(StatusBar)
            await wait_for(pilot, lambda: bar.state == "connected", what="connected")

            own.stop(signal.SIGKILL)
            killed = time.monotonic()
            await wait_for(pilot, lambda: bar.state == "disconnected", timeout=10, what="the lost connection shown")
            print(f"lost connection shown after {time.monotonic() - killed:.2f} s")

            again = start_server(tmp_path / "data", port=own.port)
            back = time.monotonic()
            await wait_for(pilot, lambda: bar.state == "connected", timeout=15, what="connected again")
            print(f"connected again {time.monotonic() - back:.2f} s after the server answered")
            # The community LocalStack keeps state in memory: the user's setup creates it again.
            again.client("s3").create_bucket(Bucket="kept-bucket")
            again.client("s3").create_bucket(Bucket="new-after-restart")
            buckets = main.query_one(BucketList)
            await wait_for(
                pilot,
                lambda: {"kept-bucket", "new-after-restart"} <= {b.name for b in buckets.items},
                timeout=15,
                what="the lists refreshed",
            )
            assert main.query_one(BucketDetail).bucket == "kept-bucket", "the user's place is kept"
            assert app.is_running and app.return_code is None
    finally:
        for running in (own, again):
            if running is not None:
                running.stop()


async def test_the_embedded_server_lstui_started_dies_and_is_restarted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing at the endpoint → 's' starts the embedded LocalStack → it is SIGKILLed → lstui offers a restart."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the server's data dir, not the user's
    endpoint = f"http://127.0.0.1:{free_port()}"
    app: Any = make_app(endpoint)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, NoLocalStackScreen), what="the no-LocalStack screen")
            await pilot.press("s")
            main = await main_screen(pilot, timeout=120)
            bar = main.query_one(StatusBar)
            await wait_for(pilot, lambda: bar.state == "connected", what="connected")
            first = app.background_server
            assert first is not None and first.endpoint_url == endpoint

            os.killpg(first._process.pid, signal.SIGKILL)  # the whole server: supervisor and LocalStack
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#no"),
                timeout=10,
                what="the offer",
            )
            question = " ".join(str(label.render()) for label in app.screen.query(Label))
            assert "has stopped" in question and "killed by SIGKILL" in question and endpoint in question
            await pilot.press("y")
            await wait_for(pilot, lambda: app.background_server is not first, timeout=120, what="restarted")
            await wait_for(pilot, lambda: app.screen is main and bar.state == "connected", what="connected again")
            assert app.background_server.running() and app.is_running
    finally:
        server = app.background_server
        if server is not None:
            server.stop()
