"""Through the subscriber: a permanent handler failure is dead-lettered, a transient one retried."""

from __future__ import annotations

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from structlog.testing import capture_logs

from kette_core.consuming import (
    DeadLetters,
    EventConsumer,
    EventHandlers,
    PermanentFailure,
    subscribe,
)
from kette_core.contracts import topics
from kette_core.contracts.base import EXAMPLE_PARTICIPANT
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.publishing import EventPublisher
from kette_core.retrying import Backoff

pytestmark = pytest.mark.component

SOURCE = "/kette/test"
POISON = 9


class Harness:
    """A chain consumer whose handler rejects attempt 9 for good and fails `outage` times first."""

    def __init__(self, outage: int = 0) -> None:
        self.broker = KafkaBroker()
        self.handled: list[int] = []
        self.dead: list[DeadLetterRecorded] = []
        self.outage = outage
        self.pauses: list[float] = []
        publisher = EventPublisher(self.broker)
        handlers = EventHandlers()

        @handlers.on(StageStarted)
        async def handle(event: ReceivedEvent[StageStarted]) -> None:
            if event.payload.attempt == POISON:
                raise PermanentFailure("no such programme")
            if self.outage:
                self.outage -= 1
                raise ConnectionError("temporal unreachable")
            self.handled.append(event.payload.attempt)

        async def pause(seconds: float) -> None:
            self.pauses.append(seconds)

        consumer = EventConsumer(handlers, DeadLetters(publisher, SOURCE), group_id="chain-test")
        subscribe(self.broker, topics.CHAIN, consumer=consumer, backoff=Backoff(sleep=pause))
        operators = EventHandlers()

        @operators.on(DeadLetterRecorded)
        async def on_dead_letter(event: ReceivedEvent[DeadLetterRecorded]) -> None:
            self.dead.append(event.payload)

        subscribe(
            self.broker,
            topics.DEADLETTER,
            consumer=EventConsumer(operators, DeadLetters(publisher, SOURCE), group_id="operators"),
        )


def stage_started(attempt: int) -> StageStarted:
    return StageStarted(participant_id=EXAMPLE_PARTICIPANT, stage=Stage.SCHOOL, attempt=attempt)


async def test_a_permanent_handler_failure_is_dead_lettered_and_the_next_record_handled() -> None:
    harness = Harness()
    async with TestKafkaBroker(harness.broker) as broker:
        publisher = EventPublisher(broker)
        for attempt in (POISON, 1, 2):
            await publisher.publish(new_event(stage_started(attempt), source=SOURCE))

    assert harness.handled == [1, 2]
    [dead] = harness.dead
    assert dead.reason == "handler: no such programme"
    assert dead.original_ce_type == StageStarted.event_type
    assert dead.consumer_group == "chain-test"


async def test_a_transient_failure_is_not_dead_lettered_but_paused_and_logged_once() -> None:
    harness = Harness(outage=3)
    with capture_logs() as lines:
        async with TestKafkaBroker(harness.broker) as broker:
            publisher = EventPublisher(broker)
            for attempt in (1, 2, 3, 4):  # the in-memory broker never redelivers
                await publisher.publish(new_event(stage_started(attempt), source=SOURCE))

    assert harness.dead == []
    assert harness.handled == [4]
    assert harness.pauses == [0.5, 1.0, 2.0]
    assert [line["event"] for line in lines if line["event"].startswith("consumer.")] == [
        "consumer.retrying",
        "consumer.recovered",
    ]
