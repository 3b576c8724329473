"""On the real broker: a consumer stuck on a record shows its lag and reads as stalled."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest
from core_integration_support import eventually
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry

from kette_core.consumer_health import ConsumerCollector, Consumers
from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.ids import new_participant_id
from kette_core.publishing import EventPublisher
from kette_core.retrying import Backoff

pytestmark = pytest.mark.integration


async def test_a_stuck_consumer_reports_its_lag_and_stalls_until_it_moves_again(
    kafka_bootstrap: str, new_topic: Callable[..., Awaitable[str]]
) -> None:
    topic = await new_topic("chain", partitions=1)
    group = f"test-health-{uuid.uuid4().hex[:8]}"
    broker = KafkaBroker(kafka_bootstrap)
    consumers = Consumers()
    registry = CollectorRegistry()
    registry.register(ConsumerCollector(consumers))
    outage = {"on": True}
    handled: list[str] = []
    handlers = EventHandlers()

    @handlers.on(StageStarted)
    async def handle(event: ReceivedEvent[StageStarted]) -> None:
        if outage["on"]:
            raise TimeoutError("temporal does not answer")
        handled.append(event.id)

    dead_letters = DeadLetters(EventPublisher(broker), "/kette/test", topic=f"{topic}.dead")
    subscribe(
        broker,
        topic,
        consumer=EventConsumer(handlers, dead_letters, group_id=group),
        backoff=Backoff(first=0.05, cap=0.05),
        consumers=consumers,
    )
    labels = {"group": group, "topic": topic}

    def sample(name: str) -> float:
        return registry.get_sample_value(name, labels) or 0.0

    async with broker:
        await broker.start()
        publisher = EventPublisher(broker)
        for attempt in range(1, 6):
            payload = StageStarted(
                participant_id=new_participant_id(), stage=Stage.JOB, attempt=attempt
            )
            await publisher.publish(new_event(payload, source="/kette/test"), topic=topic)
        await eventually(
            lambda: (
                sample("kette_consumer_lag") == 5 and sample("kette_consumer_retries_total") > 0
            ),
            "five records waiting behind the failing one",
        )
        ready, detail = consumers.readiness(stalled_after=0)
        assert not ready
        assert detail.startswith(f"{group}: 5 records wait")

        outage["on"] = False
        await eventually(lambda: len(handled) == 5, "the five records after the outage")
        await eventually(lambda: sample("kette_consumer_lag") == 0, "no lag")

    assert consumers.readiness(stalled_after=0)[0]
    assert sample("kette_consumer_records_handled_total") == 5
    assert sample("kette_consumer_records_dead_lettered_total") == 0
