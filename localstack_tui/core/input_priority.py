"""Background AWS calls step aside while the user's input is handled.

Python runs one thread at a time. While worker threads read 500 queues' attributes (a few ms of
botocore CPU per call), a key waits its turn behind them, several times per frame. So the UI says
"the user pressed a key" (`hold`), and every AWS call made by a worker thread waits until that
moment has passed before it starts (`wait`): the key is handled and drawn with the workers at rest.

A wait is bounded: a key held down (auto-repeat) slows background work but never stops it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

# How long a key keeps background calls waiting: a key is handled and drawn in ~10–50 ms.
KEY_HOLD = 0.12
# The longest one call waits, however many keys follow each other.
MAX_WAIT = 0.5


class InputPriority:
    """A moment, renewed by each key, during which worker threads' AWS calls wait."""

    def __init__(self, max_wait: float = MAX_WAIT) -> None:
        self.max_wait = max_wait
        self._until = 0.0
        self.waited = 0.0  # seconds calls spent waiting, in all (for benchmarks and tests)

    def hold(self, seconds: float = KEY_HOLD) -> None:
        """The user's input is being handled: calls about to start wait `seconds` from now."""
        self._until = max(self._until, time.monotonic() + seconds)

    def release(self) -> None:
        self._until = 0.0

    @property
    def held_until(self) -> float:
        """The `time.monotonic()` at which calls may go again (0: never held)."""
        return self._until

    def wait(self) -> float:
        """In a worker thread, wait until no input is being handled (at most `max_wait`); seconds waited.

        The main thread never waits: it is the one the input is handled on.
        """
        if threading.current_thread() is threading.main_thread():
            return 0.0
        started = time.monotonic()
        if self._until <= started:
            return 0.0
        deadline = started + self.max_wait
        while (now := time.monotonic()) < (end := min(self._until, deadline)):
            time.sleep(end - now)
        waited = time.monotonic() - started
        self.waited += waited
        return waited

    def before_call(self, **_: Any) -> None:
        """A botocore `before-parameter-build` handler: the call waits its turn before any of its work."""
        self.wait()


# The one the app holds on each key and its clients' calls wait on.
INPUT_PRIORITY = InputPriority()
