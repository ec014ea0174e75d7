"""Ctrl-C and SIGTERM are never lost: the exception Python may drop, and the spawn they may cut in two."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from localstack_tui.embedded.server import signals_held

DROPPED = textwrap.dedent(
    """
    import os, signal, weakref
    from localstack_tui.cli.interrupts import STOP, install_sigint

    install_sigint()

    class Thing:
        pass

    def callback(ref):  # CPython runs it as imports do theirs: an exception here is dropped
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(100_000))  # the handler runs here and raises KeyboardInterrupt inside the callback

    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    print("went on; STOP is", STOP.is_set(), flush=True)
    """
)


def test_an_interrupt_python_drops_is_still_remembered() -> None:
    result = subprocess.run([sys.executable, "-c", DROPPED], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "went on; STOP is True"
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_an_interrupt_other_than_a_stop_is_still_reported() -> None:
    """The hook quiets only the dropped stops; any other exception in a callback is shown as before."""
    script = DROPPED.replace("os.kill(os.getpid(), signal.SIGINT)", "raise ValueError('boom')")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "Exception ignored" in result.stderr and "ValueError: boom" in result.stderr
    assert result.stdout.strip() == "went on; STOP is False"


def test_signals_held_around_a_spawn_act_after_it() -> None:
    assert threading.current_thread() is threading.main_thread()
    spawned = []
    with pytest.raises(KeyboardInterrupt), signals_held():
        os.kill(os.getpid(), signal.SIGINT)
        spawned.append(subprocess.Popen([sys.executable, "-c", "pass"]))  # not cut in two by the Ctrl-C
    assert spawned and spawned[0].wait(timeout=30) == 0


def test_signals_held_call_the_handler_that_was_there() -> None:
    calls: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: calls.append(signum))
    try:
        with signals_held():
            os.kill(os.getpid(), signal.SIGTERM)
            assert calls == []
        assert calls == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # restored, not reset
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_signals_held_elsewhere_than_the_main_thread_do_nothing() -> None:
    done: list[bool] = []

    def spawn() -> None:
        with signals_held():
            done.append(True)

    worker = threading.Thread(target=spawn)
    worker.start()
    worker.join(timeout=10)
    assert done == [True]
