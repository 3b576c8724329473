"""Each topic accepts only the types the contract assigns to it, whatever the topic is called."""

from __future__ import annotations

import pytest
from core_consumer_records import RecordedDeadLetters, record_of

from kette_core.consuming import EventConsumer, EventHandlers, RawRecord
from kette_core.contracts import topics
from kette_core.contracts.base import EventPayload, example_for
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.referrals import AttendanceReported
from kette_core.contracts.registry import channel_of, types_on
from kette_core.envelope import ReceivedEvent

pytestmark = pytest.mark.unit


def test_a_registration_is_not_a_type_of_the_provider_status_topic() -> None:
    assert ParticipantRegistered.event_type in types_on(topics.PARTICIPANTS)
    assert ParticipantRegistered.event_type not in types_on(topics.PROVIDER_STATUS)
    assert AttendanceReported.event_type in types_on(topics.PROVIDER_STATUS)


def test_a_providers_reports_topic_is_found_through_its_template() -> None:
    assert channel_of("provider.vhs-unna.reports.v1") == topics.PROVIDER_REPORTS_CHANNEL
    assert channel_of(topics.CHAIN) == topics.CHAIN
    assert channel_of("test.participants-1a2b") is None


def status_consumer(topic: str) -> tuple[EventConsumer, list[str], RecordedDeadLetters]:
    handled: list[str] = []
    handlers = EventHandlers()

    async def remember(event: ReceivedEvent[ParticipantRegistered | AttendanceReported]) -> None:
        handled.append(event.type)

    handlers.add(ParticipantRegistered, remember)
    handlers.add(AttendanceReported, remember)
    dead_letters = RecordedDeadLetters()
    consumer = EventConsumer(handlers, dead_letters, group_id="bridge")
    consumer.expect(topic, topics.PROVIDER_STATUS)
    return consumer, handled, dead_letters


def on(topic: str, payload: EventPayload, offset: int = 0) -> RawRecord:
    record = record_of(payload, offset=offset)
    record.topic = topic
    return record


async def test_a_type_on_a_topic_not_assigned_to_it_is_dead_lettered_naming_both() -> None:
    consumer, handled, dead_letters = status_consumer("test.status-1a2b")
    await consumer.consume_batch(
        [
            on("test.status-1a2b", example_for(ParticipantRegistered)),
            on("test.status-1a2b", example_for(AttendanceReported), offset=1),
        ]
    )

    assert handled == [AttendanceReported.event_type]
    assert dead_letters.reasons == {
        0: "ce_type: kette.participant.registered.v1 does not belong on "
        "test.status-1a2b (as kette.provider-status.v1)"
    }


async def test_a_topic_without_a_role_is_not_checked() -> None:
    consumer, handled, dead_letters = status_consumer("test.status-1a2b")
    await consumer.consume(on("test.other", example_for(ParticipantRegistered)))

    assert handled == [ParticipantRegistered.event_type]
    assert dead_letters.reasons == {}


def test_a_role_must_be_a_topic_of_the_contract() -> None:
    consumer = EventConsumer(EventHandlers(), RecordedDeadLetters(), group_id="g")
    with pytest.raises(ValueError, match="not a topic of the contract"):
        consumer.expect("test.status", "kette.provider-status.v2")
