"""A handler's permanent failure is dead-lettered and passed; a transient one stops the batch."""

from __future__ import annotations

from typing import Any

import pytest
from core_consumer_records import Record, RecordedDeadLetters, record_of
from pydantic import BaseModel

from kette_core.consuming import (
    BatchInterrupted,
    EventConsumer,
    EventHandlers,
    PermanentFailure,
)
from kette_core.contracts.base import EXAMPLE_PARTICIPANT
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent

pytestmark = pytest.mark.unit


def records(*attempts: int) -> list[Record]:
    """One stage_started per attempt number, offsets 0, 1, …; the handler reads `attempt`."""
    payloads = [
        StageStarted(participant_id=EXAMPLE_PARTICIPANT, stage=Stage.JOB, attempt=n)
        for n in attempts
    ]
    return [record_of(payload, offset=offset) for offset, payload in enumerate(payloads)]


class Strict(BaseModel):
    hours: int


FAILURES: dict[int, Exception] = {
    2: PermanentFailure("no programme 'no-such-programme'"),
    3: OverflowError("cannot convert float infinity to integer"),
    4: ZeroDivisionError("division by zero"),
    5: ConnectionError("temporal unreachable"),
}


def consumer_failing_on(
    failures: dict[int, Exception], **options: Any
) -> tuple[EventConsumer, list[int], RecordedDeadLetters]:
    """A consumer whose handler raises `failures[attempt]`, and `attempt` 6 a ValidationError."""
    handled: list[int] = []
    handlers = EventHandlers()

    @handlers.on(StageStarted)
    async def handle(event: ReceivedEvent[StageStarted]) -> None:
        if event.payload.attempt == 6:
            Strict.model_validate({"hours": "Amina Yusuf"})
        if event.payload.attempt in failures:
            raise failures[event.payload.attempt]
        handled.append(event.payload.attempt)

    dead_letters = RecordedDeadLetters()
    return EventConsumer(handlers, dead_letters, group_id="g", **options), handled, dead_letters


async def test_permanent_failures_are_dead_lettered_with_reasons_and_the_rest_handled() -> None:
    consumer, handled, dead_letters = consumer_failing_on(FAILURES)
    await consumer.consume_batch(records(1, 2, 3, 4, 6, 7))

    assert handled == [1, 7]
    assert dead_letters.reasons == {
        1: "handler: no programme 'no-such-programme'",
        2: "handler: OverflowError: cannot convert float infinity to integer",
        3: "handler: ZeroDivisionError: division by zero",
        4: "handler: Strict field hours: Input should be a valid integer, "
        "unable to parse string as an integer",
    }


async def test_a_validation_failure_names_the_field_but_never_the_value() -> None:
    consumer, _, dead_letters = consumer_failing_on({})
    await consumer.consume_batch(records(6))
    assert "Amina" not in dead_letters.reasons[0]


async def test_a_transient_failure_stops_the_batch_at_its_record_without_a_dead_letter() -> None:
    consumer, handled, dead_letters = consumer_failing_on(FAILURES)
    with pytest.raises(BatchInterrupted) as interrupted:
        await consumer.consume_batch(records(1, 2, 5, 7))

    assert interrupted.value.index == 2
    assert isinstance(interrupted.value.error, ConnectionError)
    assert handled == [1]
    assert list(dead_letters.reasons) == [1]


async def test_a_single_record_consume_raises_the_handlers_own_transient_error() -> None:
    consumer, _, _ = consumer_failing_on(FAILURES)
    with pytest.raises(ConnectionError, match="temporal unreachable"):
        await consumer.consume(records(5)[0])


async def test_a_consumer_may_name_its_own_permanent_failures() -> None:
    consumer, handled, dead_letters = consumer_failing_on(FAILURES, permanent=(ConnectionError,))
    with pytest.raises(BatchInterrupted):
        await consumer.consume_batch(records(2))
    await consumer.consume_batch(records(5, 1))

    assert dead_letters.reasons == {0: "handler: ConnectionError: temporal unreachable"}
    assert handled == [1]
