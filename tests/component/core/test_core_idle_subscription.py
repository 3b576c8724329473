"""An idle subscription waits in aiokafka's getmany alone, without FastStream's extra sleep."""

from __future__ import annotations

from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from faststream.kafka.subscriber import usecase

from kette_core.consuming import IDLE_LOOK_MS, DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import topics
from kette_core.publishing import EventPublisher

pytestmark = pytest.mark.component


class Buffer:
    """Stands in for the aiokafka consumer: answers each getmany with the next result."""

    def __init__(self, *results: dict[Any, list[str]]) -> None:
        self.results = list(results)
        self.waits: list[int] = []

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[Any, list[str]]:
        self.waits.append(timeout_ms)
        return self.results.pop(0)


def subscription() -> Any:
    broker = KafkaBroker()
    consumer = EventConsumer(
        EventHandlers(), DeadLetters(EventPublisher(broker), "/kette/test"), group_id="idle"
    )
    return subscribe(broker, topics.CHAIN, consumer=consumer)


async def test_an_empty_look_returns_without_sleeping_and_waits_a_second_for_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    monkeypatch.setattr(usecase.anyio, "sleep", sleep)  # FastStream's pause after an empty look
    buffer = Buffer({}, {"p0": ["a", "b"], "p1": ["c"]})
    subscriber = subscription()

    empty = await subscriber.get_msg(buffer)
    fetched = await subscriber.get_msg(buffer)

    assert empty == ()
    assert fetched == ("a", "b", "c")
    assert sleeps == []
    assert buffer.waits == [IDLE_LOOK_MS, IDLE_LOOK_MS] == [1000, 1000]
