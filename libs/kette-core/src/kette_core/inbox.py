"""Idempotent consumer: the handled ce_id is stored in the same transaction as the effect."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.base import EventPayload
from kette_core.db import insert_unless_present
from kette_core.envelope import ReceivedEvent
from kette_core.tables import InboxRecord

log = structlog.get_logger(__name__)

P = TypeVar("P", bound=EventPayload)
Effect = Callable[[AsyncSession, ReceivedEvent[P]], Awaitable[None]]


class Inbox:
    """Applies each event at most once per consumer name, whatever the broker redelivers."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], consumer: str) -> None:
        self._sessions = sessions
        self.consumer = consumer

    async def apply_once(self, event: ReceivedEvent[P], effect: Effect[P]) -> bool:
        """Run `effect` in a transaction that also records the ce_id; False for a duplicate."""
        async with self._sessions() as session, session.begin():
            first_time = await insert_unless_present(
                session,
                InboxRecord.__table__,  # type: ignore[attr-defined]
                {
                    "consumer": self.consumer,
                    "ce_id": event.id,
                    "ce_type": event.type,
                    "handled_at": datetime.now(UTC),
                },
                unique_on=["consumer", "ce_id"],
            )
            if not first_time:
                log.info("inbox.duplicate_skipped", consumer=self.consumer, ce_type=event.type)
                return False
            await effect(session, event)
        return True

    def wrap(self, effect: Effect[P]) -> Callable[[ReceivedEvent[P]], Awaitable[None]]:
        """Turn a (session, event) effect into a plain event handler for a subscriber."""

        async def handler(event: ReceivedEvent[P]) -> None:
            await self.apply_once(event, effect)

        return handler
