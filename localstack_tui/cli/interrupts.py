"""Ctrl-C and SIGTERM for the CLI: remembered, not only raised.

CPython drops an exception raised inside a weakref callback or a `__del__`
("Exception ignored in …"), and imports run such callbacks: a Ctrl-C landing
there was lost, and `lstui server` went on to start LocalStack as if nothing
had been pressed. The handlers below raise as Python's own do, and also set
`STOP`, which the long-running commands check at each step.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

STOP = threading.Event()
"""Set by the first Ctrl-C or SIGTERM, even when the exception it raised was swallowed."""


class StopRequested(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the SIGTERM handler to unwind into a clean stop."""


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    STOP.set()
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    STOP.set()
    raise StopRequested


def install_sigint() -> None:
    """From the CLI's first line: Ctrl-C sets STOP (and raises KeyboardInterrupt, as Python's own handler does).

    The interrupt CPython had to drop is not reported as "Exception ignored … KeyboardInterrupt" with a
    traceback: STOP carries it on.
    """
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when the parent ignores Ctrl-C
        signal.signal(signal.SIGINT, _on_sigint)
    report = sys.unraisablehook

    def quiet(unraisable: Any) -> None:
        if not (STOP.is_set() and isinstance(unraisable.exc_value, (KeyboardInterrupt, StopRequested))):
            report(unraisable)

    sys.unraisablehook = quiet


def install_sigterm() -> Handler:
    """For `lstui server`: SIGTERM stops it cleanly; returns the handler it replaced."""
    return signal.signal(signal.SIGTERM, _on_sigterm)
