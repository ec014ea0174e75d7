"""Python's cyclic garbage collector run between the user's keys, not under them.

Python starts a collection when enough objects have been allocated, and drawing a frame is what
allocates most: so the collector ran precisely while a key was being handled (a young collection
1–13 ms, an older one 8–20 ms, a full one ~30 ms, measured with 1,000 buckets listed), whichever
thread had allocated. The app turns the automatic collector off once started and runs the same
collections itself from a timer, when no key or click has come in for a moment
(`InputPriority.held_until`); a stream of keys defers them at most `LONGEST_DEFER` seconds.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence

from localstack_tui.core.input_priority import InputPriority

TICK = 0.25  # seconds between two looks at the collector's counts
LONGEST_DEFER = 2.0  # a collection that is due waits for a pause in the input at most this long


def due_generation(counts: Sequence[int], thresholds: Sequence[int]) -> int | None:
    """The generation Python's automatic collector would collect now (None: none is due).

    As CPython decides it: nothing until the young generation's allocations pass its threshold,
    then the oldest generation whose count has passed its own. (CPython's extra condition for a
    full collection, that the long-lived objects grew by a quarter, is left out: the full
    collections happen between keys, and the start-up's objects are frozen out of them.)
    """
    if not thresholds or thresholds[0] <= 0 or counts[0] <= thresholds[0]:
        return None
    for generation in range(min(len(counts), len(thresholds)) - 1, 0, -1):
        if counts[generation] > thresholds[generation]:
            return generation
    return 0


class IdleCollector:
    """Takes the collections over from Python once started, and runs them when the input pauses."""

    def __init__(
        self,
        priority: InputPriority,
        longest_defer: float = LONGEST_DEFER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.priority = priority
        self.longest_defer = longest_defer
        self.clock = clock
        self.active = False  # the automatic collector is off and this one runs the collections
        self.collections = [0, 0, 0]  # per generation, for benchmarks and tests
        self.deferred = 0  # ticks on which a due collection waited for a pause in the input
        self._due_since: float | None = None

    def take_over(self) -> None:
        """The automatic collector off (if it is on: a start-up pause is left to end first)."""
        if not self.active and gc.isenabled():
            gc.disable()
            self.active = True

    def hand_back(self) -> None:
        """The automatic collector as it was (the app is closing)."""
        if self.active:
            self.active = False
            gc.enable()

    def tick(self) -> int | None:
        """Collect what is due, unless the user's input is being handled; the generation collected."""
        self.take_over()
        if not self.active:
            return None
        generation = due_generation(gc.get_count(), gc.get_threshold())
        if generation is None:
            self._due_since = None
            return None
        now = self.clock()
        if self._due_since is None:
            self._due_since = now
        if now < self.priority.held_until and now - self._due_since < self.longest_defer:
            self.deferred += 1
            return None
        gc.collect(generation)
        self.collections[generation] += 1
        self._due_since = None
        return generation
