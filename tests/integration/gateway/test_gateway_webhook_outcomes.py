"""A webhook attempt's outcome is recorded on the row the dispatcher read, unless a redelivery
reset that row meanwhile; on SQLite and PostgreSQL (the check compares stored timestamps)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.db import create_engine, session_factory
from kette_provider_gateway.app import migrate
from kette_provider_gateway.webhooks import service
from kette_provider_gateway.webhooks.tables import DeliveryRow, WebhookRow

pytestmark = pytest.mark.integration

RETRY = timedelta(seconds=30)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated gateway database with alpha's webhook and one pending delivery."""
    await migrate(database_url)
    engine = create_engine(database_url)
    factory = session_factory(engine)
    staged = datetime.now(UTC) - timedelta(minutes=1)
    async with factory() as session, session.begin():
        session.add(WebhookRow(provider_id="alpha", url="http://x", secret="s", created_at=staged))
        session.add(
            DeliveryRow(
                provider_id="alpha",
                event_id="evt-1",
                event_type="kette.referral.issued.v1",
                body="{}",
                created_at=staged,
                status=service.PENDING,
                next_attempt_at=staged,
            )
        )
    yield factory
    await engine.dispose()


async def read_as_the_dispatcher(sessions: async_sessionmaker[AsyncSession]) -> DeliveryRow:
    async with sessions() as session:
        [(row, _)] = await service.due(session, datetime.now(UTC))
    return row


async def answered_204(sessions: async_sessionmaker[AsyncSession], row: DeliveryRow) -> bool:
    """What the dispatcher does with a 2xx: `record` it, then store it unless reset."""
    read = (row.attempts, row.next_attempt_at)
    service.record(row, 204, None, datetime.now(UTC), RETRY, 4)
    async with sessions() as session, session.begin():
        return await service.store_unless_reset(session, row, read)


async def stored(sessions: async_sessionmaker[AsyncSession]) -> DeliveryRow:
    async with sessions() as session:
        [row] = await service.log(session, "alpha")
    return row


async def test_an_answer_is_recorded_on_the_row_as_it_was_read(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    row = await read_as_the_dispatcher(sessions)

    recorded = await answered_204(sessions, row)

    after = await stored(sessions)
    assert recorded is True
    assert (after.status, after.attempts, after.last_status) == (service.DELIVERED, 1, 204)


async def test_a_redelivery_while_the_post_was_on_its_way_is_not_undone_by_its_answer(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    row = await read_as_the_dispatcher(sessions)
    async with sessions() as session, session.begin():
        since = datetime.now(UTC) - timedelta(hours=1)
        assert await service.redeliver(session, "alpha", since, datetime.now(UTC)) == 1

    recorded = await answered_204(sessions, row)

    after = await stored(sessions)
    assert recorded is False
    assert (after.status, after.attempts, after.delivered_at) == (service.PENDING, 0, None)
