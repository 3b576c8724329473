"""Replaying a topic on the real broker: every valid event once, in order, then it stops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from kette_core.consuming import EventHandlers
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, encode, new_event
from kette_core.ids import new_participant_id
from kette_core.replay import replay

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
