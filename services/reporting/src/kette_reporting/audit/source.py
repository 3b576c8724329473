"""The history as raw records, read through kette_core.replay so audits and projections agree.

Every record below the end offsets reaches the sink, invalid ones too: the audit lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer

from kette_core.consuming import RawRecord
from kette_core.replay import replay_records
from kette_reporting.audit.canonical import AuditRecord, kept_headers, record_time

RecordSink = Callable[[AuditRecord], None]
Progress = Callable[[int], None]


def to_audit_record(record: RawRecord) -> AuditRecord:
    """The audit's view of a consumer record (aiokafka's carries the broker's timestamp)."""
    headers = kept_headers(record.headers)
    return AuditRecord(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        time=record_time(headers, getattr(record, "timestamp", -1)),
        key=record.key,
        headers=headers,
        value=record.value,
    )


async def end_offsets(
    client_options: dict[str, Any], topics: Iterable[str]
) -> dict[tuple[str, int], int]:
    """Where each partition of the topics ends now."""
    consumer = AIOKafkaConsumer(*topics, enable_auto_commit=False, **client_options)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(list(consumer.assignment()))
        return {(tp.topic, tp.partition): end for tp, end in ends.items()}
    finally:
        await consumer.stop()


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
    consumer = AIOKafkaConsumer(*topics, group_id=None, enable_auto_commit=False, **client_options)

    async def take(records: Sequence[RawRecord]) -> None:
        for record in records:
            sink(to_audit_record(record))
        progress(len(records))

    await consumer.start()
    try:
        return await replay_records(consumer, take, batch=batch)
    finally:
        await consumer.stop()
