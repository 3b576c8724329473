"""Replaying a topic on the real broker: every valid event once, in order, then it stops
(at today's end, or at offsets recorded earlier)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from kette_core.consuming import EventHandlers, RawRecord
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, encode, new_event
from kette_core.ids import new_participant_id
from kette_core.replay import replay, replay_records

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


async def test_a_replay_hands_every_valid_event_in_order_and_counts_the_rest(
    kafka_bootstrap: str, new_topic: NewTopic
) -> None:
    topic = await new_topic("replay", partitions=2)
    participant = new_participant_id()
    records = [
        encode(
            new_event(
                StageStarted(participant_id=participant, stage=stage, attempt=1), source="/t"
            ),
            topic,
        )
        for stage in Stage
    ]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for position, record in enumerate(records):
            headers = [(name, text.encode()) for name, text in record.headers.items()]
            key = participant.encode()
            if position == 2:
                await producer.send_and_wait(topic, b"not json", key=key, headers=headers)
            await producer.send_and_wait(topic, record.value, key=key, headers=headers)
    finally:
        await producer.stop()
    seen: list[ReceivedEvent[StageStarted]] = []
    handlers = EventHandlers()

    async def remember(event: ReceivedEvent[StageStarted]) -> None:
        seen.append(event)

    handlers.add(StageStarted, remember)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        count = await replay(consumer, handlers, batch=2)
    finally:
        await consumer.stop()

    assert (count.events, count.invalid) == (len(Stage), 1)
    assert [event.payload.stage for event in seen] == list(Stage)


async def test_a_replay_until_recorded_offsets_reads_the_history_as_it_stood_then(
    kafka_bootstrap: str, new_topic: NewTopic
) -> None:
    topic = await new_topic("replay-until", partitions=2)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for partition in (0, 1):
            for index in range(4):
                await producer.send_and_wait(
                    topic, f"{partition}-{index}".encode(), partition=partition
                )
    finally:
        await producer.stop()
    batches: list[list[tuple[int, int]]] = []

    async def take(records: Sequence[RawRecord]) -> None:
        batches.append([(record.partition, record.offset) for record in records])

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        recorded = {TopicPartition(topic, 0): 3}  # partition 1 had nothing when recorded
        handed = await replay_records(consumer, take, batch=2, until=recorded)
    finally:
        await consumer.stop()

    assert handed == 3
    assert all(len(batch) <= 2 for batch in batches)
    assert [position for batch in batches for position in batch] == [(0, 0), (0, 1), (0, 2)]
