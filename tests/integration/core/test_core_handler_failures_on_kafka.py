"""On the real broker: a poison record is dead-lettered, a transient failure retried in place."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest
from core_integration_support import eventually, read_dead_letters
from faststream.kafka import KafkaBroker
from structlog.testing import capture_logs

from kette_core.consuming import (
    DeadLetters,
    EventConsumer,
    EventHandlers,
    PermanentFailure,
    subscribe,
)
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.ids import new_participant_id
from kette_core.publishing import EventPublisher
from kette_core.retrying import Backoff

pytestmark = pytest.mark.integration

SOURCE = "/kette/test"
POISON = 9


class Pipeline:
    """A chain consumer that rejects attempt 9 for good and first fails `outage` times on 3."""

    def __init__(self, bootstrap: str, topic: str, dead_letter_topic: str, outage: int) -> None:
        self.broker = KafkaBroker(bootstrap)
        self.effects: list[str] = []
        self.calls = 0
        self.dead: list[DeadLetterRecorded] = []
        self.outage = outage
        group = f"test-failures-{uuid.uuid4().hex[:8]}"
        dead_letters = DeadLetters(EventPublisher(self.broker), SOURCE, topic=dead_letter_topic)
        handlers = EventHandlers()

        @handlers.on(StageStarted)
        async def handle(event: ReceivedEvent[StageStarted]) -> None:
            self.calls += 1
            if event.payload.attempt == POISON:
                raise PermanentFailure("no programme 'no-such-programme'")
            if event.payload.attempt == 3 and self.outage:
                self.outage -= 1
                raise ConnectionError("temporal unreachable")
            self.effects.append(event.id)

        backoff = Backoff(first=0.05, cap=0.2, log_window=3600.0)
        consumer = EventConsumer(handlers, dead_letters, group_id=group)
        subscribe(self.broker, topic, consumer=consumer, backoff=backoff)
        read_dead_letters(self.broker, dead_letter_topic, f"{group}-operators", self.dead)


async def publish_for_one_participant(bootstrap: str, topic: str, attempts: list[int]) -> list[str]:
    """The events in order, all keyed by one participant (one partition); their ce_ids."""
    participant = new_participant_id()
    broker = KafkaBroker(bootstrap)
    events = [
        new_event(
            StageStarted(participant_id=participant, stage=Stage.JOB, attempt=attempt),
            source=SOURCE,
        )
        for attempt in attempts
    ]
    async with broker:
        await broker.start()
        publisher = EventPublisher(broker)
        for event in events:
            await publisher.publish(event, topic=topic)
    return [event.id for event in events]


async def test_a_poison_record_is_dead_lettered_and_the_partition_moves_on(
    kafka_bootstrap: str, new_topic: Callable[..., Awaitable[str]]
) -> None:
    topic = await new_topic("chain", partitions=3)
    dead_letter_topic = await new_topic("deadletter", partitions=1)
    ids = await publish_for_one_participant(kafka_bootstrap, topic, [POISON, 1, 2, 3, 4, 5])

    pipeline = Pipeline(kafka_bootstrap, topic, dead_letter_topic, outage=0)
    async with pipeline.broker:
        await pipeline.broker.start()
        await eventually(
            lambda: len(pipeline.effects) == 5 and len(pipeline.dead) == 1,
            "five handled records and one dead letter",
        )

    assert pipeline.effects == ids[1:]
    [dead] = pipeline.dead
    assert dead.reason == "handler: no programme 'no-such-programme'"
    assert dead.original_ce_id == ids[0]
    assert (dead.original_topic, dead.original_offset) == (topic, 0)


async def test_a_transient_failure_is_retried_until_it_passes_with_each_effect_once(
    kafka_bootstrap: str, new_topic: Callable[..., Awaitable[str]]
) -> None:
    topic = await new_topic("chain", partitions=3)
    dead_letter_topic = await new_topic("deadletter", partitions=1)
    ids = await publish_for_one_participant(kafka_bootstrap, topic, [1, 2, 3, 4, 5])

    pipeline = Pipeline(kafka_bootstrap, topic, dead_letter_topic, outage=4)
    with capture_logs() as lines:
        async with pipeline.broker:
            await pipeline.broker.start()
            await eventually(lambda: len(pipeline.effects) == 5, "all five effects")

    assert pipeline.effects == ids
    assert pipeline.calls == 5 + 4
    assert pipeline.dead == []
    ours = [line for line in lines if line["event"].startswith("consumer.")]
    assert [line["event"] for line in ours] == ["consumer.retrying", "consumer.recovered"]
    assert ours[1]["attempts"] == 4
