"""Reading a topic from its first record to where it ended, for projections and audits.

A replay has no consumer group and commits nothing: it rebuilds state someone else already
derived (reporting's projections, an auditor's as-of view), so it reads every partition
from offset 0 up to the end offsets it found when it started, batch by batch, and hands each
valid event to the same `EventHandlers` a live consumer uses. Records that do not decode
are counted, not dead-lettered: the live consumers recorded them when they first came.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer

from kette_core.consuming import EventHandlers, decode_record
from kette_core.envelope import InvalidEvent


@dataclass
class ReplayCount:
    """What a replay read: events dispatched (handled or ignored) and invalid records."""

    events: int = 0
    invalid: int = 0


async def replay(
    consumer: AIOKafkaConsumer, handlers: EventHandlers, *, batch: int = 500
) -> ReplayCount:
    """Replay into `handlers`; a handler's error stops the replay and propagates.

    `consumer` is started, made for the topics to replay and without a group
    (`AIOKafkaConsumer(*topics, group_id=None, enable_auto_commit=False, ...)`), so it
    holds every partition of them.
    """
    partitions = sorted(consumer.assignment())
    for partition in partitions:  # let the consumer settle its own start first, or it may
        await consumer.position(partition)  # land after our seek and skip the history
    await consumer.seek_to_beginning(*partitions)
    ends = {tp: end for tp, end in (await consumer.end_offsets(partitions)).items() if end > 0}
    count = ReplayCount()
    while ends:
        fetched = await consumer.getmany(*ends, timeout_ms=1000, max_records=batch)
        for partition, records in fetched.items():
            end = ends.get(partition)
            for record in records:
                if end is None or record.offset >= end:
                    break
                try:
                    event = decode_record(record)
                except InvalidEvent:
                    count.invalid += 1
                    continue
                await handlers.dispatch(event)
                count.events += 1
            if end is not None and await consumer.position(partition) >= end:
                del ends[partition]
    return count
