"""Garbage collections between keys (ui/idle_gc): which generation is due, and when it runs."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localstack_tui.core.input_priority import InputPriority
from localstack_tui.ui.idle_gc import IdleCollector, due_generation

counts = st.lists(st.integers(min_value=0, max_value=100_000), min_size=3, max_size=3)
thresholds = st.lists(st.integers(min_value=1, max_value=50_000), min_size=3, max_size=3)


@given(counts, thresholds)
def test_a_collection_is_due_only_past_the_young_threshold(count: list[int], threshold: list[int]) -> None:
    generation = due_generation(count, threshold)
    assert (generation is None) == (count[0] <= threshold[0])


@given(counts, thresholds)
def test_the_oldest_generation_past_its_threshold_is_collected(count: list[int], threshold: list[int]) -> None:
    generation = due_generation(count, threshold)
    if generation is None:
        return
    assert generation == 0 or count[generation] > threshold[generation]
    assert all(count[older] <= threshold[older] for older in range(generation + 1, 3)), "none older is due"


def test_due_generation_examples() -> None:
    assert due_generation((1999, 50, 50), (2000, 10, 10)) is None
    assert due_generation((2001, 3, 0), (2000, 10, 10)) == 0
    assert due_generation((2001, 11, 3), (2000, 10, 10)) == 1
    assert due_generation((2001, 11, 11), (2000, 10, 10)) == 2
    assert due_generation((5, 0, 0), (0, 10, 10)) is None, "threshold 0: collections are off"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def automatic_gc() -> Iterator[None]:
    """The automatic collector on for the test, and as it was afterwards."""
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def allocate_past_threshold() -> list[list[int]]:
    young = gc.get_threshold()[0]
    return [[] for _ in range(young + 500)]  # containers: each counts as an allocation


def test_the_collector_takes_over_and_hands_back(automatic_gc: None) -> None:
    collector = IdleCollector(InputPriority())
    collector.tick()
    assert collector.active and not gc.isenabled(), "the automatic collector is off"
    collector.hand_back()
    assert not collector.active and gc.isenabled()


def test_a_start_up_pause_is_left_alone(automatic_gc: None) -> None:
    gc.disable()  # as pause_gc leaves it while lstui starts
    collector = IdleCollector(InputPriority())
    kept = allocate_past_threshold()
    assert collector.tick() is None and not collector.active
    assert gc.get_count()[0] > gc.get_threshold()[0], "nothing collected during the pause"
    del kept


@pytest.fixture
def taken_over(automatic_gc: None) -> Iterator[tuple[IdleCollector, Clock, InputPriority]]:
    """A collector in charge (on a clock the test moves), and young objects past the threshold."""
    clock = Clock()
    priority = InputPriority()
    collector = IdleCollector(priority, longest_defer=2.0, clock=clock)
    collector.tick()
    kept = allocate_past_threshold()
    try:
        yield collector, clock, priority
    finally:
        collector.hand_back()
        del kept


def test_a_due_collection_waits_for_a_pause_in_the_input(
    taken_over: tuple[IdleCollector, Clock, InputPriority],
) -> None:
    collector, clock, priority = taken_over
    priority.hold(1e9)  # a key is being handled
    clock.now += 0.25
    assert collector.tick() is None and collector.deferred == 1, "not under the key"
    assert gc.get_count()[0] > gc.get_threshold()[0]
    priority.release()  # the key is handled and drawn
    clock.now += 0.25
    assert collector.tick() is not None
    assert gc.get_count()[0] < gc.get_threshold()[0], "collected"


def test_a_stream_of_keys_defers_a_collection_at_most_longest_defer(
    taken_over: tuple[IdleCollector, Clock, InputPriority],
) -> None:
    collector, clock, priority = taken_over
    priority.hold(1e9)  # keys keep coming (a key held down)
    for _ in range(7):
        clock.now += 0.25
        assert collector.tick() is None
    clock.now += 0.5  # 2.0 s since it fell due (on the first tick under the keys)
    assert collector.tick() is not None, "collected under the keys once deferred too long"
    assert sum(collector.collections) == 1
