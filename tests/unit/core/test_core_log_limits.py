"""A repeated identical failure is one line per window, with the count of the dropped ones."""

from __future__ import annotations

import pytest

from kette_core.log_limits import RepeatLimiter

pytestmark = pytest.mark.unit


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_first_line_passes_and_identical_ones_within_the_window_are_dropped() -> None:
    limiter = RepeatLimiter(window_seconds=10, clock=FakeClock())

    decisions = [limiter.admit("kafka down") for _ in range(5)]

    assert decisions == [0, None, None, None, None]


def test_first_line_after_the_window_carries_the_count_of_the_dropped_ones() -> None:
    clock = FakeClock()
    limiter = RepeatLimiter(window_seconds=10, clock=clock)
    for _ in range(4):
        limiter.admit("kafka down")

    clock.now = 10.0
    after_window = limiter.admit("kafka down")
    clock.now = 11.0
    within_next = limiter.admit("kafka down")

    assert (after_window, within_next) == (3, None)


def test_different_failures_are_limited_apart() -> None:
    limiter = RepeatLimiter(window_seconds=10, clock=FakeClock())
    limiter.admit("kafka down")

    assert limiter.admit("temporal down") == 0


def test_only_the_most_recent_keys_are_remembered() -> None:
    limiter = RepeatLimiter(window_seconds=10, max_keys=2, clock=FakeClock())
    for key in ("a", "b", "c"):
        limiter.admit(key)

    assert (limiter.admit("a"), limiter.admit("c")) == (0, None)
