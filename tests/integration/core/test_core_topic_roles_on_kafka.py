"""On the real broker: a valid type on a topic the contract does not assign it to is refused."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest
from core_integration_support import eventually, read_dead_letters
from faststream.kafka import KafkaBroker

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import topics
from kette_core.contracts.base import example_for
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.referrals import AttendanceReported
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.publishing import EventPublisher

pytestmark = pytest.mark.integration

SOURCE = "/kette/test"


async def test_a_registration_on_the_provider_status_topic_is_dead_lettered_naming_both(
    kafka_bootstrap: str, new_topic: Callable[..., Awaitable[str]]
) -> None:
    status_topic = await new_topic("provider-status", partitions=1)
    dead_letter_topic = await new_topic("deadletter", partitions=1)
    group = f"test-roles-{uuid.uuid4().hex[:8]}"
    broker = KafkaBroker(kafka_bootstrap)
    handled: list[str] = []
    dead: list[DeadLetterRecorded] = []
    handlers = EventHandlers()

    async def remember(event: ReceivedEvent[ParticipantRegistered | AttendanceReported]) -> None:
        handled.append(event.type)

    handlers.add(ParticipantRegistered, remember)
    handlers.add(AttendanceReported, remember)
    dead_letters = DeadLetters(EventPublisher(broker), SOURCE, topic=dead_letter_topic)
    subscribe(
        broker,
        status_topic,
        consumer=EventConsumer(handlers, dead_letters, group_id=group),
        roles={status_topic: topics.PROVIDER_STATUS},
    )
    read_dead_letters(broker, dead_letter_topic, f"{group}-operators", dead)
    impostor = new_event(example_for(ParticipantRegistered), source=SOURCE)
    report = new_event(example_for(AttendanceReported), source=SOURCE)

    async with broker:
        await broker.start()
        await EventPublisher(broker).publish(impostor, topic=status_topic)
        await EventPublisher(broker).publish(report, topic=status_topic)
        await eventually(
            lambda: len(handled) == 1 and len(dead) == 1, "the report and a dead letter"
        )

    assert handled == [AttendanceReported.event_type]
    [letter] = dead
    assert letter.original_ce_id == impostor.id
    assert letter.reason == (
        f"ce_type: {ParticipantRegistered.event_type} does not belong on "
        f"{status_topic} (as {topics.PROVIDER_STATUS})"
    )
