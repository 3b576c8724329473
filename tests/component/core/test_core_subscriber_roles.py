"""Through the subscriber: topics with contract names are checked without being told."""

from __future__ import annotations

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import topics
from kette_core.contracts.base import example_for
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.publishing import EventPublisher

pytestmark = pytest.mark.component

SOURCE = "/kette/test"


async def test_a_registration_on_the_contracts_provider_status_topic_is_dead_lettered() -> None:
    broker = KafkaBroker()
    handled: list[str] = []
    dead: list[DeadLetterRecorded] = []
    handlers = EventHandlers()
    operators = EventHandlers()

    @handlers.on(ParticipantRegistered)
    async def on_registered(event: ReceivedEvent[ParticipantRegistered]) -> None:
        handled.append(event.id)

    @operators.on(DeadLetterRecorded)
    async def on_dead_letter(event: ReceivedEvent[DeadLetterRecorded]) -> None:
        dead.append(event.payload)

    dead_letters = DeadLetters(EventPublisher(broker), SOURCE)
    subscribe(broker, topics.PROVIDER_STATUS, consumer=EventConsumer(handlers, dead_letters, "b"))
    subscribe(broker, topics.DEADLETTER, consumer=EventConsumer(operators, dead_letters, "ops"))
    async with TestKafkaBroker(broker) as test_broker:
        event = new_event(example_for(ParticipantRegistered), source=SOURCE)
        await EventPublisher(test_broker).publish(event, topic=topics.PROVIDER_STATUS)

    assert handled == []
    assert [letter.reason for letter in dead] == [
        f"ce_type: {ParticipantRegistered.event_type} does not belong on {topics.PROVIDER_STATUS}"
    ]


def test_a_role_for_a_topic_not_subscribed_is_refused() -> None:
    broker = KafkaBroker()
    consumer = EventConsumer(EventHandlers(), DeadLetters(EventPublisher(broker), SOURCE), "g")
    with pytest.raises(ValueError, match="not subscribed"):
        subscribe(broker, "test.a", consumer=consumer, roles={"test.b": topics.CHAIN})
