"""The history as raw records, read through kette_core.replay so audits and projections agree."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from kette_core.consuming import EventHandlers
from kette_core.replay import replay
from kette_reporting.audit.canonical import AuditRecord, kept_headers, record_time

RecordSink = Callable[[AuditRecord], None]
Progress = Callable[[int], None]


class _TappedConsumer(AIOKafkaConsumer):  # type: ignore[misc]
    """A replay's consumer that also hands every record below the replay's end to a sink.

    The replay decides what to read and where to stop; the tap only sees what it fetched,
    so invalid records (which replay counts, not dispatches) reach the audit too.
    """

    def __init__(self, *topics: str, sink: RecordSink, progress: Progress, **options: Any):
        super().__init__(*topics, **options)
        self._sink = sink
        self._progress = progress
        self._ends: dict[TopicPartition, int] = {}

    async def end_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        ends: dict[TopicPartition, int] = await super().end_offsets(partitions)
        self._ends.update(ends)
        return ends

    async def getmany(
        self, *partitions: TopicPartition, **options: Any
    ) -> dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]:
        fetched: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]] = await super().getmany(
            *partitions, **options
        )
        for partition, records in fetched.items():
            end = self._ends.get(partition, 0)
            taken = 0
            for record in records:
                if record.offset >= end:
                    break
                self._sink(to_audit_record(record))
                taken += 1
            self._progress(taken)
        return fetched


def to_audit_record(record: ConsumerRecord[bytes, bytes]) -> AuditRecord:
    """The audit's view of a consumer record."""
    headers = kept_headers(record.headers)
    return AuditRecord(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        time=record_time(headers, record.timestamp),
        key=record.key,
        headers=headers,
        value=record.value,
    )


async def history_size(client_options: dict[str, Any], topics: Iterable[str]) -> int:
    """How many records the topics hold now, for a progress bar's total."""
    consumer = AIOKafkaConsumer(*topics, enable_auto_commit=False, **client_options)
    await consumer.start()
    try:
        partitions = list(consumer.assignment())
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        return sum(ends[tp] - starts[tp] for tp in partitions)
    finally:
        await consumer.stop()


async def read_history(
    client_options: dict[str, Any],
    topics: Iterable[str],
    sink: RecordSink,
    progress: Progress = lambda _: None,
    *,
    batch: int = 2000,
) -> int:
    """Every record of `topics` from offset 0 to where they ended when reading began.

    `client_options` are aiokafka's (`projection.kafka_options.client_options(settings)`).
    """
    consumer = _TappedConsumer(
        *topics,
        sink=sink,
        progress=progress,
        group_id=None,
        enable_auto_commit=False,
        **client_options,
    )
    await consumer.start()
    try:
        count = await replay(consumer, EventHandlers(), batch=batch)
    finally:
        await consumer.stop()
    return count.events + count.invalid
