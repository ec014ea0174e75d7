"""The server killed and started again under a running lstui: said at once, no traceback, the place kept."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.widgets.bucket_detail import BucketDetail
from localstack_tui.ui.widgets.lists import BucketList
from localstack_tui.ui.widgets.status_bar import StatusBar
from tests.conftest import start_server
from tests.ui.conftest import make_app, wait_for


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
