"""A record's key must be its participant, or their records could land on two partitions."""

from __future__ import annotations

from typing import Any

import pytest
from core_consumer_records import RecordedDeadLetters, record_of

from kette_core.consuming import EventConsumer, EventHandlers
from kette_core.contracts.base import example_for
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.envelope import ReceivedEvent

pytestmark = pytest.mark.unit


def consumer() -> tuple[EventConsumer, list[str], RecordedDeadLetters]:
    handled: list[str] = []
    handlers = EventHandlers()

    async def remember(event: ReceivedEvent[Any]) -> None:
        handled.append(event.type)

    handlers.add(StageStarted, remember)
    handlers.add(DeadLetterRecorded, remember)
    dead_letters = RecordedDeadLetters()
    return EventConsumer(handlers, dead_letters, group_id="g"), handled, dead_letters


async def test_a_key_other_than_the_participant_is_dead_lettered() -> None:
    target, handled, dead_letters = consumer()
    record = record_of(example_for(StageStarted))
    record.key = b"p-someone-else-entirely"
    await target.consume(record)

    assert handled == []
    assert dead_letters.reasons == {0: "key: does not match ce_subject (the participant id)"}


async def test_a_missing_key_is_dead_lettered_when_the_event_has_a_participant() -> None:
    target, handled, dead_letters = consumer()
    record = record_of(example_for(StageStarted))
    record.key = None
    await target.consume(record)

    assert handled == []
    assert dead_letters.reasons == {0: "key: missing, expected the participant id of ce_subject"}


async def test_the_participants_key_and_an_unkeyed_event_without_participant_are_handled() -> None:
    target, handled, dead_letters = consumer()
    await target.consume_batch(
        [record_of(example_for(StageStarted)), record_of(example_for(DeadLetterRecorded))]
    )

    assert handled == [StageStarted.event_type, DeadLetterRecorded.event_type]
    assert dead_letters.reasons == {}
