"""A consumer's counts, lag and progress: what `/metrics` shows and `/readyz` decides on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from kette_core.consumer_health import ConsumerCollector, ConsumerHealth, Consumers

pytestmark = pytest.mark.unit


@dataclass
class At:
    topic: str
    partition: int
    offset: int


class Ends:
    """High-water marks by (topic, partition), as the aiokafka consumer reports them."""

    def __init__(self, **ends: int) -> None:
        self.ends = {(name.replace("_", "."), 0): end for name, end in ends.items()}

    def highwater(self, partition: Any) -> int | None:
        return self.ends.get((partition.topic, partition.partition))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_records_dealt_with_count_per_topic_and_move_each_partitions_next_offset() -> None:
    health = ConsumerHealth("g")
    health.dead_lettered("a")
    health.dealt_with([At("a", 0, 5), At("a", 0, 6), At("b", 1, 9), At("a", 0, 7)])

    assert health.counts["a"].dealt_with == 3
    assert health.counts["a"].handled == 2
    assert health.counts["b"].handled == 1
    assert health.next_offsets == {("a", 0): 8, ("b", 1): 10}


def test_lag_is_the_high_water_mark_minus_the_next_record_to_deal_with() -> None:
    health = ConsumerHealth("g")
    health.dealt_with([At("a", 0, 3)])
    health.retried(At("b", 0, 10))
    health.kafka = Ends(a=4, b=15)

    assert health.lag() == {"a": 0, "b": 5}
    assert health.counts["b"].retried == 1


def test_a_consumer_is_stalled_when_records_wait_and_nothing_moved_for_long_enough() -> None:
    clock = Clock()
    health = ConsumerHealth("g", clock=clock)
    health.retried(At("a", 0, 0))
    health.kafka = Ends(a=3)

    clock.now += 59
    assert not health.status(stalled_after=60).stalled
    clock.now += 1
    assert health.status(stalled_after=60).stalled
    health.dealt_with([At("a", 0, 0)])
    assert not health.status(stalled_after=60).stalled


def test_an_idle_consumer_with_nothing_waiting_is_not_stalled() -> None:
    clock = Clock()
    health = ConsumerHealth("g", clock=clock)
    health.dealt_with([At("a", 0, 2)])
    health.kafka = Ends(a=3)
    clock.now += 3600

    assert not health.status(stalled_after=60).stalled


def test_readiness_names_the_stalled_group_and_its_waiting_records() -> None:
    clock = Clock()
    consumers = Consumers()
    stuck = consumers.watch(ConsumerHealth("kette.bridge", clock=clock))
    stuck.retried(At("a", 0, 4))
    stuck.kafka = Ends(a=7)
    moving = consumers.watch(ConsumerHealth("kette.matching", clock=clock))
    assert consumers.readiness(stalled_after=60) == (True, "2 consumers moving, 3 records waiting")

    clock.now += 61
    moving.dealt_with([At("b", 0, 0)])
    assert consumers.readiness(stalled_after=60) == (
        False,
        "kette.bridge: 3 records wait, no progress for 61 s",
    )


def test_the_collector_exports_counts_and_lag_per_group_and_topic() -> None:
    consumers = Consumers()
    health = consumers.watch(ConsumerHealth("kette.bridge"))
    health.dead_lettered("kette.participants.v1")
    health.dealt_with([At("kette.participants.v1", 0, n) for n in range(4)])
    health.retried(At("kette.participants.v1", 0, 4))
    health.kafka = Ends(kette_participants_v1=9)
    registry = CollectorRegistry()
    registry.register(ConsumerCollector(consumers))
    labels = {"group": "kette.bridge", "topic": "kette.participants.v1"}

    def sample(name: str) -> float | None:
        return registry.get_sample_value(name, labels)

    assert sample("kette_consumer_records_handled_total") == 3
    assert sample("kette_consumer_records_dead_lettered_total") == 1
    assert sample("kette_consumer_retries_total") == 1
    assert sample("kette_consumer_lag") == 5
    idle = registry.get_sample_value(
        "kette_consumer_seconds_since_progress", {"group": "kette.bridge"}
    )
    assert idle is not None
