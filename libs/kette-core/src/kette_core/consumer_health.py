"""What each subscription did and whether it moves, for `/metrics` and `/readyz`.

A consumer stuck on one record still polls and looks alive to a process check; its counts
(handled, dead-lettered, retried), its lag (the broker's high-water mark against the next
record to deal with) and the time since it last dealt with a record tell the truth. The
counts are plain integers on the consume path; Prometheus reads them only when it scrapes.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector


class _Record(Protocol):
    """Where a record was read; `consuming.RawRecord` fits."""

    topic: str
    partition: int
    offset: int


class HighWater(Protocol):
    """The aiokafka consumer's last known end offset of a partition (None before a fetch)."""

    def highwater(self, partition: Any) -> int | None: ...


@dataclass
class TopicCounts:
    """Records of one topic that one consumer dealt with, by outcome."""

    dealt_with: int = 0
    dead_lettered: int = 0
    retried: int = 0

    @property
    def handled(self) -> int:
        """Dealt with and not dead-lettered: dispatched (or skipped, if no handler wanted it)."""
        return self.dealt_with - self.dead_lettered


@dataclass(eq=False)  # identity: `Consumers` holds it in a WeakSet
class ConsumerHealth:
    """One subscription: counts per topic, the next offset per partition, the last progress."""

    group_id: str
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    counts: dict[str, TopicCounts] = field(default_factory=dict)
    next_offsets: dict[tuple[str, int], int] = field(default_factory=dict)
    kafka: HighWater | None = field(default=None, repr=False)
    last_progress: float = 0.0

    def __post_init__(self) -> None:
        self.last_progress = self.clock()

    def _topic(self, topic: str) -> TopicCounts:
        counts = self.counts.get(topic)
        if counts is None:
            counts = self.counts[topic] = TopicCounts()
        return counts

    def dead_lettered(self, topic: str) -> None:
        """Count a dead letter (`dealt_with` counts the record too)."""
        self._topic(topic).dead_lettered += 1

    def dealt_with(self, records: Sequence[_Record]) -> None:
        """These records are done (handled or dead-lettered): progress, and their offsets."""
        if not records:
            return
        # A batch holds each partition's records in a run; bookkeeping once per run, not
        # per record, keeps this off the hot path's bill.
        first = records[0]
        topic, partition, start = first.topic, first.partition, 0
        for index, record in enumerate(records):
            if record.partition != partition or record.topic != topic:
                self._run(topic, partition, records[index - 1].offset, index - start)
                topic, partition, start = record.topic, record.partition, index
        self._run(topic, partition, records[-1].offset, len(records) - start)
        self.last_progress = self.clock()

    def _run(self, topic: str, partition: int, last_offset: int, count: int) -> None:
        """`count` records of one partition dealt with, up to `last_offset`."""
        self.next_offsets[topic, partition] = last_offset + 1
        self._topic(topic).dealt_with += count

    def retried(self, failed: _Record) -> None:
        """A transient failure at this record: it and what follows it are read again."""
        self._topic(failed.topic).retried += 1
        self.next_offsets[failed.topic, failed.partition] = failed.offset

    def lag(self) -> dict[str, int]:
        """Records waiting per topic: high-water mark minus the next offset, over partitions."""
        per_topic: dict[str, int] = {}
        if self.kafka is None:
            return per_topic
        for (topic, partition), next_offset in list(self.next_offsets.items()):
            end = self.kafka.highwater(TopicPartition(topic, partition))
            if end is not None:
                per_topic[topic] = per_topic.get(topic, 0) + max(0, end - next_offset)
        return per_topic

    def seconds_since_progress(self) -> float:
        """How long ago the consumer last dealt with a record (or started)."""
        return max(0.0, self.clock() - self.last_progress)

    def status(self, stalled_after: float) -> ConsumerStatus:
        """Stalled: records wait and none was dealt with for `stalled_after` seconds."""
        lag = sum(self.lag().values())
        idle = self.seconds_since_progress()
        return ConsumerStatus(self.group_id, lag, idle, lag > 0 and idle >= stalled_after)


@dataclass(frozen=True)
class ConsumerStatus:
    """One consumer's answer to `/readyz`."""

    group_id: str
    lag: int
    seconds_since_progress: float
    stalled: bool


class Consumers:
    """The subscriptions of this process (held weakly: a dropped broker leaves no ghost)."""

    def __init__(self) -> None:
        self._health: weakref.WeakSet[ConsumerHealth] = weakref.WeakSet()

    def watch(self, health: ConsumerHealth) -> ConsumerHealth:
        """Include a subscription in the metrics and the readiness check."""
        self._health.add(health)
        return health

    def __iter__(self) -> Iterator[ConsumerHealth]:
        return iter(sorted(self._health, key=lambda health: health.group_id))

    def readiness(self, stalled_after: float = 60.0) -> tuple[bool, str]:
        """`/readyz`'s check: ok unless a consumer is stalled, and a detail naming it."""
        statuses = [health.status(stalled_after) for health in self]
        stalled = [status for status in statuses if status.stalled]
        if stalled:
            return False, "; ".join(
                f"{status.group_id}: {status.lag} records wait, "
                f"no progress for {status.seconds_since_progress:.0f} s"
                for status in stalled
            )
        lag = sum(status.lag for status in statuses)
        return True, f"{len(statuses)} consumers moving, {lag} records waiting"


class ConsumerCollector(Collector):
    """The Prometheus view of `Consumers`, per consumer group and topic."""

    def __init__(self, consumers: Consumers) -> None:
        self._consumers = consumers

    def collect(self) -> Iterator[Metric]:
        """Counters and gauges summed per (group, topic), read at scrape time."""
        labels = ["group", "topic"]
        families = {
            "handled": CounterMetricFamily(
                "kette_consumer_records_handled", "Records handled.", labels=labels
            ),
            "dead_lettered": CounterMetricFamily(
                "kette_consumer_records_dead_lettered", "Records dead-lettered.", labels=labels
            ),
            "retried": CounterMetricFamily(
                "kette_consumer_retries", "Transient failures retried.", labels=labels
            ),
        }
        lag = GaugeMetricFamily("kette_consumer_lag", "Records waiting.", labels=labels)
        idle = GaugeMetricFamily(
            "kette_consumer_seconds_since_progress",
            "Since a record was dealt with.",
            labels=["group"],
        )
        sums: dict[tuple[str, str], dict[str, float]] = {}
        for health in self._consumers:
            for topic, counts in health.counts.items():
                row = sums.setdefault((health.group_id, topic), {})
                for name in families:
                    row[name] = row.get(name, 0) + getattr(counts, name)
            for topic, waiting in health.lag().items():
                row = sums.setdefault((health.group_id, topic), {})
                row["lag"] = row.get("lag", 0) + waiting
            idle.add_metric([health.group_id], health.seconds_since_progress())
        for (group, topic), row in sorted(sums.items()):
            for name, family in families.items():
                family.add_metric([group, topic], row.get(name, 0))
            lag.add_metric([group, topic], row.get("lag", 0))
        yield from families.values()
        yield lag
        yield idle


CONSUMERS = Consumers()
"""Every `subscribe` of this process registers here unless told otherwise."""

CONSUMER_REGISTRY = CollectorRegistry(auto_describe=True)
"""Mount on `/metrics` (`generate_latest(CONSUMER_REGISTRY)`), or register the collector."""
CONSUMER_REGISTRY.register(ConsumerCollector(CONSUMERS))
