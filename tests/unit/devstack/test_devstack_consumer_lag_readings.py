"""A consumer group is flagged only where records waited and nothing was committed since."""

from pathlib import Path

import pytest

from kette_devstack.consumer_lag import MIN_GAP_SECONDS, GroupReading, LagMonitor, judge

pytestmark = pytest.mark.unit

P0, P1 = "kette.participants.v1:0", "kette.participants.v1:1"


def reading(committed: dict[str, int], end: dict[str, int]) -> GroupReading:
    return GroupReading(committed, end)


def test_a_partition_whose_waiting_records_were_not_committed_is_stalled() -> None:
    before = reading({P0: 13, P1: 4}, {P0: 20, P1: 9})
    now = reading({P0: 13, P1: 9}, {P0: 25, P1: 9})

    verdict = judge("kette.workflows.bridge", before, now)

    assert (verdict.stalled, verdict.lag) == ([f"{P0} at 13"], 12)
    assert verdict.reason == f"no progress while records wait on {P0} at 13"


def test_a_group_that_committed_some_waiting_records_is_not_stalled() -> None:
    verdict = judge("g", reading({P0: 13}, {P0: 20}), reading({P0: 14}, {P0: 20}))

    assert (verdict.stalled, verdict.reason) == ([], "consuming")


def test_records_that_arrived_after_the_first_reading_do_not_count_as_waiting() -> None:
    verdict = judge("g", reading({P0: 20}, {P0: 20}), reading({P0: 20}, {P0: 23}))

    assert (verdict.stalled, verdict.lag) == ([], 3)


def test_a_partition_never_committed_lags_from_its_start() -> None:
    verdict = judge("g", None, reading({}, {P0: 4}))

    assert (verdict.lag, verdict.stalled) == (4, [])


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def test_without_a_remembered_reading_the_monitor_takes_two_a_few_seconds_apart(
    tmp_path: Path,
) -> None:
    time = FakeTime()
    readings = iter([{"g": reading({P0: 2}, {P0: 5})}, {"g": reading({P0: 2}, {P0: 5})}])
    monitor = LagMonitor(tmp_path / "lag.json", lambda: next(readings), time.clock, time.wait)

    (verdict,) = monitor.check()

    assert time.waits == [MIN_GAP_SECONDS]
    assert verdict.stalled == [f"{P0} at 2"]


def test_a_remembered_reading_old_enough_is_compared_without_waiting(tmp_path: Path) -> None:
    time = FakeTime()
    readings = iter(
        [
            {"g": reading({P0: 2}, {P0: 5})},
            {"g": reading({P0: 2}, {P0: 5})},
            {"g": reading({P0: 5}, {P0: 5})},
        ]
    )
    monitor = LagMonitor(tmp_path / "lag.json", lambda: next(readings), time.clock, time.wait)
    monitor.check()
    time.now += MIN_GAP_SECONDS + 1

    (verdict,) = monitor.check()

    assert time.waits == [MIN_GAP_SECONDS]
    assert (verdict.stalled, verdict.lag) == ([], 0)
