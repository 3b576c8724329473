"""On the real broker: a record keyed by someone else, or not keyed, is dead-lettered."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaProducer
from core_integration_support import eventually, read_dead_letters
from faststream.kafka import KafkaBroker

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, encode, new_event
from kette_core.ids import new_participant_id
from kette_core.publishing import EventPublisher

pytestmark = pytest.mark.integration


async def test_only_the_record_keyed_by_its_participant_is_handled(
    kafka_bootstrap: str, new_topic: Callable[..., Awaitable[str]]
) -> None:
    topic = await new_topic("chain", partitions=1)
    dead_letter_topic = await new_topic("deadletter", partitions=1)
    group = f"test-key-{uuid.uuid4().hex[:8]}"
    participant = new_participant_id()
    payload = StageStarted(participant_id=participant, stage=Stage.JOB, attempt=1)
    record = encode(new_event(payload, source="/kette/test"), topic)
    headers = [(name, value.encode()) for name, value in record.headers.items()]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for key in (new_participant_id().encode(), None, participant.encode()):
            await producer.send_and_wait(topic, record.value, key=key, headers=headers)
    finally:
        await producer.stop()

    broker = KafkaBroker(kafka_bootstrap)
    handled: list[int] = []
    dead: list[DeadLetterRecorded] = []
    handlers = EventHandlers()

    @handlers.on(StageStarted)
    async def remember(event: ReceivedEvent[StageStarted]) -> None:
        handled.append(event.offset or 0)

    dead_letters = DeadLetters(EventPublisher(broker), "/kette/test", topic=dead_letter_topic)
    subscribe(broker, topic, consumer=EventConsumer(handlers, dead_letters, group_id=group))
    read_dead_letters(broker, dead_letter_topic, f"{group}-operators", dead)
    async with broker:
        await broker.start()
        await eventually(lambda: len(handled) == 1 and len(dead) == 2, "one handled, two refused")

    assert handled == [2]
    assert {letter.original_offset: letter.reason for letter in dead} == {
        0: "key: does not match ce_subject (the participant id)",
        1: "key: missing, expected the participant id of ce_subject",
    }
