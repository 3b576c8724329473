"""A consumer's transient failures: growing pauses, and a log line per window, not per try."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from kette_core.retrying import Backoff, Retrying

pytestmark = pytest.mark.unit


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pause_doubles_from_half_a_second_up_to_thirty() -> None:
    backoff = Backoff()
    assert [backoff.delay(attempt) for attempt in range(1, 10)] == [
        0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0
    ]  # fmt: skip


def test_a_very_long_outage_keeps_the_cap() -> None:
    assert Backoff().delay(10_000) == 30.0


async def test_failures_within_one_window_log_one_line_and_recovery_one_more() -> None:
    time = FakeTime()
    retrying = Retrying("g", Backoff(log_window=60.0, clock=time.clock, sleep=time.sleep))
    with capture_logs() as lines:
        for _ in range(5):  # 0.5 + 1 + 2 + 4 + 8 seconds: all within the first window
            await retrying.failed(ConnectionError("broker unreachable"))
        retrying.succeeded()

    assert [line["event"] for line in lines] == ["consumer.retrying", "consumer.recovered"]
    assert lines[0]["error"] == "ConnectionError: broker unreachable"
    assert lines[1]["attempts"] == 5
    assert time.slept == [0.5, 1.0, 2.0, 4.0, 8.0]


async def test_a_long_outage_logs_once_per_window_with_the_attempts_since_the_last_line() -> None:
    time = FakeTime()
    retrying = Retrying("g", Backoff(log_window=60.0, clock=time.clock, sleep=time.sleep))
    with capture_logs() as lines:
        for _ in range(20):  # 0.5 … 16, then 30 s each: about seven minutes
            await retrying.failed(TimeoutError())

    assert [line["attempts_since_last_line"] for line in lines] == [1, 7, 2, 2, 2, 2, 2, 2]
    assert lines[-1]["attempts"] == 20
    assert "exc_info" in lines[0] and lines[1].get("exc_info") is None


async def test_after_recovery_the_next_failure_starts_from_the_first_pause() -> None:
    time = FakeTime()
    retrying = Retrying("g", Backoff(clock=time.clock, sleep=time.sleep))
    with capture_logs() as lines:
        await retrying.failed(OSError())
        await retrying.failed(OSError())
        retrying.succeeded()
        await retrying.failed(OSError())

    assert time.slept == [0.5, 1.0, 0.5]
    assert [line["event"] for line in lines].count("consumer.retrying") == 2


def test_success_without_failures_logs_nothing() -> None:
    with capture_logs() as lines:
        Retrying("g").succeeded()
    assert lines == []
