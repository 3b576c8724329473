"""Shared pieces of the kette-core integration tests."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts.base import EventPayload
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.envelope import ReceivedEvent
from kette_core.publishing import EventPublisher
from kette_core.tables import OutboxRecord
from tests.support.waiting import eventually as eventually

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


async def record_effect(session: AsyncSession, event: ReceivedEvent[EventPayload]) -> None:
    """The business effect, written in the inbox's transaction."""
    await session.exec(sa.insert(EFFECTS).values(ce_id=event.id, participant_id=event.subject))


async def effect_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (await session.exec(select(sa.func.count()).select_from(EFFECTS))).one()


async def unsent_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        statement = select(sa.func.count()).where(col(OutboxRecord.sent_at).is_(None))
        return (await session.exec(statement.select_from(OutboxRecord))).one()


def read_dead_letters(
    broker: KafkaBroker, topic: str, group: str, into: list[DeadLetterRecorded]
) -> None:
    """Subscribe an operator's reader of the dead-letter topic that collects the payloads."""
    operators = EventHandlers()

    @operators.on(DeadLetterRecorded)
    async def on_dead_letter(event: ReceivedEvent[DeadLetterRecorded]) -> None:
        into.append(event.payload)

    dead_letters = DeadLetters(EventPublisher(broker), "/kette/test", topic=topic)
    subscribe(broker, topic, consumer=EventConsumer(operators, dead_letters, group_id=group))
