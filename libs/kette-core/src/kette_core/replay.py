"""Reading a topic from its first record to where it ended, for projections and audits.

A replay has no consumer group and commits nothing: it rebuilds state someone else already
derived (reporting's projections, an auditor's as-of view), so it reads every partition
from offset 0 up to the end offsets it found when it started (or up to offsets the caller
recorded earlier, to see the history as it stood then), batch by batch.

Two depths: `replay` decodes each record and hands valid events to the same
`EventHandlers` a live consumer uses (records that do not decode are counted, not
dead-lettered: the live consumers recorded them when they first came); `replay_records`
hands the raw records of each fetch to the caller, who decodes (or skips) them as it
needs, e.g. in bulk, or in a pipeline that writes one batch while it decodes the next.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from kette_core.consuming import EventHandlers, RawRecord, decode_record
from kette_core.envelope import InvalidEvent

RecordBatch = Callable[[Sequence[RawRecord]], Awaitable[None]]
"""Takes the records of one fetch, below their partitions' end offsets, in offset order."""


@dataclass
class ReplayCount:
    """What a replay read: events dispatched (handled or ignored) and invalid records."""

    events: int = 0
    invalid: int = 0


async def replay(
    consumer: AIOKafkaConsumer,
    handlers: EventHandlers,
    *,
    batch: int = 500,
    until: Mapping[TopicPartition, int] | None = None,
) -> ReplayCount:
    """Replay into `handlers`; a handler's error stops the replay and propagates.

    `consumer` is started, made for the topics to replay and without a group
    (`AIOKafkaConsumer(*topics, group_id=None, enable_auto_commit=False, ...)`), so it
    holds every partition of them. `until`: see `replay_records`.
    """
    count = ReplayCount()

    async def dispatch(records: Sequence[RawRecord]) -> None:
        for record in records:
            try:
                event = decode_record(record)
            except InvalidEvent:
                count.invalid += 1
                continue
            await handlers.dispatch(event)
            count.events += 1

    await replay_records(consumer, dispatch, batch=batch, until=until)
    return count


async def replay_records(
    consumer: AIOKafkaConsumer,
    on_batch: RecordBatch,
    *,
    batch: int = 500,
    until: Mapping[TopicPartition, int] | None = None,
) -> int:
    """Hand every record from offset 0 to the end offsets, fetch by fetch, to `on_batch`.

    The end offsets are those found at the start, or `until` (offsets recorded earlier,
    e.g. with a report): then each partition is read up to its recorded offset (but never
    past today's end), and a partition `until` does not name is not read at all.
    Returns the number of records handed over.
    """
    partitions = sorted(consumer.assignment())
    for partition in partitions:  # let the consumer settle its own start first, or it may
        await consumer.position(partition)  # land after our seek and skip the history
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(partitions)
    if until is not None:
        ends = {tp: min(end, until.get(tp, 0)) for tp, end in ends.items()}
    left = {tp: end for tp, end in ends.items() if end > 0}
    handed = 0
    while left:
        fetched = await consumer.getmany(*left, timeout_ms=1000, max_records=batch)
        records: list[RawRecord] = []
        for partition, got in fetched.items():
            end = left.get(partition, 0)
            records.extend(record for record in got if record.offset < end)
            if await consumer.position(partition) >= end:
                left.pop(partition, None)
        if records:
            await on_batch(records)
            handed += len(records)
    return handed
