"""Migrations, outbox and inbox behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from alembic import command
from core_integration_support import (
    SERVICES,
    alembic_ini,
    effect_count,
    record_effect,
    unsent_count,
)
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.db import create_engine, session_factory
from kette_core.envelope import KafkaRecord, OutgoingEvent, ReceivedEvent, new_event
from kette_core.ids import new_participant_id, stable_event_id
from kette_core.inbox import Inbox
from kette_core.migrations import alembic_config, upgrade_to_head
from kette_core.outbox import OutboxRelay, add_to_outbox

pytestmark = pytest.mark.integration

SOURCE = "/kette/test"


class RecordingSender:
    """Captures what the relay hands to Kafka; Kafka itself is covered elsewhere."""

    def __init__(self) -> None:
        self.sent: list[KafkaRecord] = []

    async def send_records(self, records: Sequence[KafkaRecord]) -> None:
        self.sent.extend(records)


class BlockingSender(RecordingSender):
    """Holds its batch until released, to keep a relay's transaction open."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def send_records(self, records: Sequence[KafkaRecord]) -> None:
        self.entered.set()
        await self.release.wait()
        await super().send_records(records)


def stage_event(participant_id: str, attempt: int = 1) -> OutgoingEvent[StageStarted]:
    payload = StageStarted(participant_id=participant_id, stage=Stage.JOB, attempt=attempt)
    event_id = stable_event_id(StageStarted.event_type, participant_id, str(attempt))
    return new_event(payload, source=SOURCE, event_id=event_id)


def as_received(event: OutgoingEvent[StageStarted]) -> ReceivedEvent[StageStarted]:
    return ReceivedEvent(
        id=event.id,
        type=event.type,
        source=event.source,
        time=event.time,
        subject=event.subject,
        payload=event.payload,
    )


async def stage(
    sessions: async_sessionmaker[AsyncSession], *events: OutgoingEvent[StageStarted]
) -> list[bool]:
    async with sessions() as session, session.begin():
        return [await add_to_outbox(session, event) for event in events]


@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_migrates_to_head_and_the_plumbing_works(
    service: str, database_url: str
) -> None:
    await upgrade_to_head(alembic_ini(service), database_url)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    try:
        event = stage_event(new_participant_id())
        assert await stage(sessions, event) == [True]
        sender = RecordingSender()
        assert await OutboxRelay(sessions, sender).relay_once() == 1
        assert sender.sent[0].headers["ce_id"] == event.id

        async def nothing(session: AsyncSession, received: ReceivedEvent[StageStarted]) -> None:
            return None

        inbox = Inbox(sessions, consumer=service)
        assert await inbox.apply_once(as_received(event), nothing) is True
        assert await inbox.apply_once(as_received(event), nothing) is False
    finally:
        await engine.dispose()

    config = alembic_config(alembic_ini(service), database_url)
    await asyncio.to_thread(command.downgrade, config, "base")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    assert "outbox" not in tables and "inbox" not in tables


async def test_the_relay_sends_in_commit_order_and_marks_everything(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    participant = new_participant_id()
    for attempt in range(1, 8):
        await stage(sessions, stage_event(participant, attempt))
    sender = RecordingSender()
    relay = OutboxRelay(sessions, sender, batch_size=3)

    while await relay.relay_once():
        pass

    assert [record.headers["ce_id"] for record in sender.sent] == [
        stage_event(participant, attempt).id for attempt in range(1, 8)
    ]
    assert await unsent_count(sessions) == 0


async def test_staging_an_event_id_twice_keeps_one_outbox_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event = stage_event(new_participant_id())

    assert await stage(sessions, event, event) == [True, False]
    assert await unsent_count(sessions) == 1


async def test_a_rolled_back_business_transaction_leaves_nothing_to_send(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await add_to_outbox(session, stage_event(new_participant_id()))
            raise RuntimeError("rule violated")

    assert await unsent_count(sessions) == 0


async def test_the_inbox_applies_once_and_rolls_back_with_a_failed_effect(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event = as_received(stage_event(new_participant_id()))
    inbox = Inbox(sessions, consumer="bridge")
    failures = [ConnectionError("lost the database")]

    async def effect(session: AsyncSession, received: ReceivedEvent[StageStarted]) -> None:
        await record_effect(session, received)
        if failures:
            raise failures.pop()

    with pytest.raises(ConnectionError):
        await inbox.apply_once(event, effect)
    assert await effect_count(sessions) == 0

    assert await inbox.apply_once(event, effect) is True
    assert await inbox.apply_once(event, effect) is False
    assert await effect_count(sessions) == 1


async def test_two_concurrent_deliveries_of_one_event_apply_it_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event = as_received(stage_event(new_participant_id()))
    inboxes = [Inbox(sessions, consumer="matching") for _ in range(2)]

    results = await asyncio.gather(*(inbox.apply_once(event, record_effect) for inbox in inboxes))

    assert sorted(results) == [False, True]
    assert await effect_count(sessions) == 1


async def test_a_second_relay_on_postgresql_waits_its_turn_instead_of_reordering(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite services run a single relay")
    participant = new_participant_id()
    await stage(sessions, stage_event(participant, 1))
    holding = BlockingSender()
    first = asyncio.create_task(OutboxRelay(sessions, holding, batch_size=1).relay_once())
    await holding.entered.wait()
    await stage(sessions, stage_event(participant, 2))

    second_sender = RecordingSender()
    assert await OutboxRelay(sessions, second_sender).relay_once() == 0

    holding.release.set()
    assert await first == 1
    assert await OutboxRelay(sessions, second_sender).relay_once() == 1
    assert [record.headers["ce_id"] for record in holding.sent + second_sender.sent] == [
        stage_event(participant, 1).id,
        stage_event(participant, 2).id,
    ]
