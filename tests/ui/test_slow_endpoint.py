"""A LocalStack answering slowly (a proxy adding delay): the UI never waits on it, and says what it waits for."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Label, Static

from localstack_tui.ui.screens.help import HelpScreen
from localstack_tui.ui.widgets.lists import BucketList
from localstack_tui.ui.widgets.status_bar import StatusBar
from tests.conftest import RunningServer
from tests.ui.conftest import main_screen, make_app, wait_for

DELAY = 2.5  # seconds before each request reaches LocalStack


class DelayProxy:
    """TCP proxy to LocalStack that holds every chunk the client sends for `delay` seconds."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.upstream_port = upstream_port
        self.delay = delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, slow: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if slow and self.delay:
                    time.sleep(self.delay)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.closed = True
        self.listener.close()


@pytest.fixture
def slow(server: RunningServer) -> Iterator[DelayProxy]:
    proxy = DelayProxy(server.port, DELAY)
    yield proxy
    proxy.close()


def text_of(widget: Static | Label) -> str:
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_a_slow_endpoint_never_freezes_the_ui(slow: DelayProxy) -> None:
    app: Any = make_app(slow.endpoint_url)
    async with app.run_test(size=(160, 48)) as pilot:
        # Before the first health report: the screen says what it waits for, and counts.
        connecting = app.query_one("#connecting", Static)
        await wait_for(pilot, lambda: "waiting for its health report" in text_of(connecting), what="connecting text")
        assert slow.endpoint_url in text_of(connecting)

        main = await main_screen(pilot, timeout=15)
        buckets = main.query_one(BucketList)
        status = buckets.query_one(".list-status", Label)
        await wait_for(
            pilot, lambda: "waiting for LocalStack to list the buckets" in text_of(status), what="the list waiting"
        )
        # Keys are handled while the list's call is still on its way.
        assert buckets.polling
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert buckets.polling, "help opened before LocalStack answered: the UI did not wait on it"
        await pilot.press("escape")

        # Health probes get 1 s: the bar says the server is slow, not gone.
        bar = main.query_one(StatusBar)
        await wait_for(pilot, lambda: bar.state == "slow", timeout=15, what="the slow state")
        assert "no answer within 1 s" in bar.detail
        await wait_for(pilot, lambda: buckets.answered and not buckets.polling, timeout=30, what="the list filled")
        assert "bucket" in text_of(status) and "waiting" not in text_of(status)

        slow.delay = 0  # LocalStack answers quickly again
        await wait_for(pilot, lambda: bar.state == "connected", timeout=10, what="connected again")
        assert app.is_running and app.return_code is None
