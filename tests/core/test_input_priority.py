"""Worker threads' AWS calls step aside while the UI handles a key (core/input_priority.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from localstack_tui.core.connection import AwsClients, Connection
from localstack_tui.core.input_priority import InputPriority
from tests.conftest import RunningServer


def in_a_thread(call: Callable[[], object]) -> object:
    """Run `call` in a worker thread; its result."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    return result[0]


def test_a_worker_waits_until_the_hold_is_over() -> None:
    priority = InputPriority()
    priority.hold(0.3)
    until = priority.held_until
    waited = in_a_thread(priority.wait)
    assert isinstance(waited, float) and waited > 0.2
    assert time.monotonic() >= until  # it went on only once the hold was over


def test_nothing_waits_when_nothing_is_held() -> None:
    priority = InputPriority()
    assert in_a_thread(priority.wait) == 0.0
    priority.hold(0.3)
    priority.release()
    assert in_a_thread(priority.wait) == 0.0


def test_the_main_thread_never_waits() -> None:
    """The UI's own thread is the one handling the key: waiting there would be a freeze."""
    priority = InputPriority()
    priority.hold(30)
    assert priority.wait() == 0.0


def test_a_wait_is_bounded_however_long_the_keys_go_on() -> None:
    """A key held down renews the hold again and again: background work slows down, never stops."""
    priority = InputPriority(max_wait=0.2)
    priority.hold(60)
    waited = in_a_thread(priority.wait)
    assert isinstance(waited, float) and 0.15 < waited < 30


def test_holds_extend_never_shorten() -> None:
    priority = InputPriority()
    priority.hold(10)
    long = priority.held_until
    priority.hold(0.1)
    assert priority.held_until == long


def test_an_aws_call_from_a_worker_waits_for_the_key(server: RunningServer) -> None:
    """Every client call goes through the hold: a real ListBuckets made while a key is handled."""
    priority = InputPriority()
    clients = AwsClients(
        Connection(endpoint_url=server.endpoint_url, access_key_id="test", secret_access_key="test"),
        priority=priority,
    )
    clients.s3.list_buckets()  # the client made, and one call that did not wait
    assert priority.waited == 0.0
    priority.hold(0.3)
    until = priority.held_until
    answered_at = in_a_thread(lambda: (clients.s3.list_buckets(), time.monotonic())[1])
    assert isinstance(answered_at, float) and answered_at >= until
    assert priority.waited > 0.2
