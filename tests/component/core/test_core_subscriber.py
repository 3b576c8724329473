"""The typed subscriber helper on FastStream's in-memory Kafka broker."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import structlog
from faststream.kafka import KafkaBroker, TestKafkaBroker

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import topics
from kette_core.contracts.base import EXAMPLE_PARTICIPANT as PARTICIPANT
from kette_core.contracts.base import example_for
from kette_core.contracts.chain import ChainPaused, StageStarted
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, encode, new_event
from kette_core.publishing import EventPublisher

pytestmark = pytest.mark.component

SOURCE = "/kette/test"


class Harness:
    """A chain-topic consumer that records what reached its handler and the dead letters."""

    def __init__(self) -> None:
        self.broker = KafkaBroker()
        self.handled: list[ReceivedEvent[StageStarted]] = []
        self.bound_ids: list[dict[str, Any]] = []
        self.dead_letters: list[ReceivedEvent[DeadLetterRecorded]] = []
        publisher = EventPublisher(self.broker)

        handlers = EventHandlers()

        @handlers.on(StageStarted)
        async def on_stage_started(event: ReceivedEvent[StageStarted]) -> None:
            self.bound_ids.append(structlog.contextvars.get_contextvars())
            self.handled.append(event)

        subscribe(
            self.broker,
            topics.CHAIN,
            consumer=EventConsumer(handlers, DeadLetters(publisher, SOURCE), group_id="chain-test"),
        )

        operators = EventHandlers()

        @operators.on(DeadLetterRecorded)
        async def on_dead_letter(event: ReceivedEvent[DeadLetterRecorded]) -> None:
            self.dead_letters.append(event)

        subscribe(
            self.broker,
            topics.DEADLETTER,
            consumer=EventConsumer(operators, DeadLetters(publisher, SOURCE), group_id="operators"),
        )


def stage_started() -> StageStarted:
    return StageStarted(participant_id=PARTICIPANT, stage=Stage.LANGUAGE, attempt=1)


async def test_a_valid_event_reaches_its_handler_as_a_typed_event() -> None:
    harness = Harness()
    async with TestKafkaBroker(harness.broker) as broker:
        await EventPublisher(broker).publish(new_event(stage_started(), source=SOURCE))

    [event] = harness.handled
    assert event.payload == stage_started()
    assert event.topic == topics.CHAIN
    assert harness.dead_letters == []


async def test_the_handler_runs_with_the_event_and_participant_ids_bound() -> None:
    harness = Harness()
    async with TestKafkaBroker(harness.broker) as broker:
        await EventPublisher(broker).publish(new_event(stage_started(), source=SOURCE))

    [ids] = harness.bound_ids
    assert ids["event_id"] == harness.handled[0].id
    assert ids["participant_id"] == PARTICIPANT


async def test_a_malformed_record_goes_to_the_dead_letters_with_its_reason() -> None:
    harness = Harness()
    record = encode(new_event(stage_started(), source=SOURCE))
    broken_value = b'{"participant_id": "p-'
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish(broken_value, topics.CHAIN, headers=record.headers)

    assert harness.handled == []
    [dead] = harness.dead_letters
    assert dead.payload.reason == "value: not valid JSON"
    assert dead.payload.original_topic == topics.CHAIN
    assert dead.payload.consumer_group == "chain-test"
    assert dead.payload.original_ce_type == StageStarted.event_type
    assert dead.payload.original_ce_id == record.headers["ce_id"]
    assert dead.payload.value_sha256 == hashlib.sha256(broken_value).hexdigest()
    assert dead.payload.value_size == len(broken_value)


async def test_the_dead_letter_never_copies_the_rejected_value() -> None:
    harness = Harness()
    record = encode(new_event(stage_started(), source=SOURCE))
    leaking = b'{"participant_id": "' + PARTICIPANT.encode() + b'", "name": "Amina Yusuf"}'
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish(leaking, topics.CHAIN, headers=record.headers)

    [dead] = harness.dead_letters
    assert "Amina" not in dead.payload.model_dump_json()
    assert dead.payload.reason.startswith("payload field")


async def test_a_record_without_ce_type_is_dead_lettered_and_the_next_one_handled() -> None:
    harness = Harness()
    record = encode(new_event(stage_started(), source=SOURCE))
    headers = {name: value for name, value in record.headers.items() if name != "ce_type"}
    async with TestKafkaBroker(harness.broker) as broker:
        await broker.publish(record.value, topics.CHAIN, headers=headers)
        await EventPublisher(broker).publish(new_event(stage_started(), source=SOURCE))

    assert [dead.payload.reason for dead in harness.dead_letters] == ["ce_type: missing header"]
    assert len(harness.handled) == 1


async def test_a_known_type_without_handler_is_skipped_not_dead_lettered() -> None:
    harness = Harness()
    async with TestKafkaBroker(harness.broker) as broker:
        await EventPublisher(broker).publish(new_event(example_for(ChainPaused), source=SOURCE))

    assert harness.handled == []
    assert harness.dead_letters == []


def test_one_type_cannot_have_two_handlers() -> None:
    handlers = EventHandlers()

    async def handle(event: ReceivedEvent[StageStarted]) -> None:
        return None

    handlers.add(StageStarted, handle)
    with pytest.raises(ValueError, match="already has a handler"):
        handlers.add(StageStarted, handle)
