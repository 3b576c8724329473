"""A service database migrated with Alembic on the backend `database_url` names, and helpers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.db import create_engine, session_factory
from kette_core.envelope import ReceivedEvent
from kette_core.migrations import upgrade_to_head
from kette_core.tables import OutboxRecord

REPO = Path(__file__).resolve().parents[3]
SERVICES = ("intake", "matching", "provider-gateway", "reporting")

EFFECTS = sa.Table(
    "test_effects",
    sa.MetaData(),
    sa.Column("ce_id", sa.String(200), primary_key=True),
    sa.Column("participant_id", sa.String(80), nullable=False),
)
"""A business table: one row per applied event, so a duplicate would show."""


def alembic_ini(service: str) -> Path:
    return REPO / "services" / service / "alembic.ini"


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The intake database at head, plus the effects table."""
    await upgrade_to_head(alembic_ini("intake"), database_url)
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(EFFECTS.create)
    yield session_factory(engine)
    await engine.dispose()


async def record_effect(session: AsyncSession, event: ReceivedEvent[object]) -> None:  # type: ignore[type-var]
    """The business effect, written in the inbox's transaction."""
    await session.exec(sa.insert(EFFECTS).values(ce_id=event.id, participant_id=event.subject))


async def effect_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (await session.exec(select(sa.func.count()).select_from(EFFECTS))).one()


async def unsent_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        statement = select(sa.func.count()).where(col(OutboxRecord.sent_at).is_(None))
        return (await session.exec(statement.select_from(OutboxRecord))).one()


async def eventually(condition: Callable[[], bool], what: str, attempts: int = 600) -> None:
    """Wait (bounded) for something the broker delivers asynchronously."""
    for _ in range(attempts):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")
