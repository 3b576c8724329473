"""A handler's log lines carry the event's ids, and only while it handles that event."""

from __future__ import annotations

from typing import Any

import pytest
import structlog
from core_consumer_records import record_of

from kette_core.consuming import EventConsumer, EventHandlers
from kette_core.contracts.base import example_for
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.envelope import ReceivedEvent

pytestmark = pytest.mark.unit


async def test_the_handler_sees_the_event_and_participant_ids_bound_then_the_old_context() -> None:
    seen: list[dict[str, Any]] = []
    handlers = EventHandlers()

    async def remember(_event: ReceivedEvent[Any]) -> None:
        seen.append(structlog.contextvars.get_contextvars())

    handlers.add(StageStarted, remember)
    handlers.add(DeadLetterRecorded, remember)
    consumer = EventConsumer(handlers, dead_letters=None, group_id="g")  # type: ignore[arg-type]
    payload = example_for(StageStarted)
    structlog.contextvars.bind_contextvars(event_id="outer")
    try:
        await consumer.consume(record_of(payload, "evt-1"))
        await consumer.consume(record_of(example_for(DeadLetterRecorded), "evt-2"))
        after = structlog.contextvars.get_contextvars()
    finally:
        structlog.contextvars.clear_contextvars()

    assert seen == [
        {"event_id": "evt-1", "participant_id": payload.participant_id},
        {"event_id": "evt-2"},
    ]
    assert after == {"event_id": "outer"}
