"""Outbox -> relay -> real Kafka -> idempotent consumer, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence

import pytest
from core_integration_support import effect_count, eventually, record_effect, unsent_count
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.ids import new_participant_id, stable_event_id
from kette_core.inbox import Inbox
from kette_core.outbox import OutboxRelay, add_to_outbox
from kette_core.publishing import EventPublisher
from kette_core.tables import InboxRecord, OutboxRecord

pytestmark = pytest.mark.integration

SOURCE = "/kette/test"


class CrashAfterSend(OutboxRelay):
    """Dies after Kafka acknowledged the batch and before the rows are marked sent."""

    async def _mark_sent(self, session: AsyncSession, rows: Sequence[OutboxRecord]) -> None:
        raise RuntimeError("relay crashed before marking")


async def test_an_outbox_event_has_exactly_one_effect_although_the_relay_resent_it(
    kafka_bootstrap: str,
    new_topic: Callable[..., Awaitable[str]],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    topic = await new_topic("outbox", partitions=1)
    participant = new_participant_id()
    payload = StageStarted(participant_id=participant, stage=Stage.LANGUAGE, attempt=1)
    event_id = stable_event_id(StageStarted.event_type, f"chain-{participant}", "language", "1")
    async with sessions() as session, session.begin():
        await add_to_outbox(session, new_event(payload, source=SOURCE, event_id=event_id), topic)

    broker = KafkaBroker(kafka_bootstrap)
    inbox = Inbox(sessions, consumer="matching")
    applied: list[tuple[str, bool]] = []
    handlers = EventHandlers()

    @handlers.on(StageStarted)
    async def on_stage_started(event: ReceivedEvent[StageStarted]) -> None:
        applied.append((event.id, await inbox.apply_once(event, record_effect)))

    publisher = EventPublisher(broker)
    group = f"test-matching-{uuid.uuid4().hex[:8]}"
    subscribe(
        broker,
        topic,
        consumer=EventConsumer(handlers, DeadLetters(publisher, SOURCE, topic), group_id=group),
    )
    await broker.start()
    try:
        with pytest.raises(RuntimeError, match="crashed"):
            await CrashAfterSend(sessions, publisher).relay_once()
        assert await unsent_count(sessions) == 1

        assert await OutboxRelay(sessions, publisher).relay_once() == 1
        await eventually(lambda: len(applied) == 2, "both deliveries of the event")
    finally:
        await broker.stop()

    assert applied == [(event_id, True), (event_id, False)]
    assert await effect_count(sessions) == 1
    assert await unsent_count(sessions) == 0
    async with sessions() as session:
        inbox_rows = (await session.exec(select(InboxRecord))).all()
    assert [(row.consumer, row.ce_id) for row in inbox_rows] == [("matching", event_id)]
