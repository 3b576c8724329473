"""Login throttling: five failures in the window lock a username until the oldest expires."""

from __future__ import annotations

import pytest

from kette_intake.auth.throttle import LoginThrottle

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_lock_the_username_until_the_first_leaves_the_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=5, window_seconds=900, clock=clock)
    for _ in range(4):
        throttle.failed("Anna")
        clock.now += 10
    assert throttle.retry_after("anna") == 0

    throttle.failed("anna")

    assert throttle.retry_after("ANNA") == 900 - 40
    assert throttle.retry_after("bert") == 0
    clock.now += 900 - 40
    assert throttle.retry_after("anna") == 0


def test_a_successful_login_forgets_the_failures() -> None:
    throttle = LoginThrottle(max_failures=2, window_seconds=900, clock=Clock())
    throttle.failed("anna")
    throttle.succeeded("Anna")
    throttle.failed("anna")

    assert throttle.retry_after("anna") == 0
