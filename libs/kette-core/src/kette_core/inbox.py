"""Idempotent consumer: the handled ce_id is stored in the same transaction as the effect.

Record by record (`Inbox.apply_once`), or a consumer batch at a time (`Inbox.apply_all`,
through `InboxHandlers`): one query finds the ids handled before, one transaction holds
every effect and inbox row, and offsets are committed only after it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, TypeVar

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.consuming import EventHandlers, IdsBound
from kette_core.contracts.base import EventPayload
from kette_core.db import insert_unless_present
from kette_core.envelope import ReceivedEvent
from kette_core.tables import InboxRecord

log = structlog.get_logger(__name__)

P = TypeVar("P", bound=EventPayload)
Effect = Callable[[AsyncSession, ReceivedEvent[P]], Awaitable[None]]
BatchEffect = Callable[[AsyncSession, Sequence[ReceivedEvent[P]]], Awaitable[None]]
"""The effect of consecutive events of one type, in one go (one query for all, not each)."""
Applied = Callable[[bool], None]
"""Told after the commit whether the event took effect (True) or was a duplicate (False)."""
IDS_PER_QUERY = 500
"""Bound parameters per duplicate check, well inside every backend's limit."""


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

    async def apply_all(
        self, work: Sequence[tuple[ReceivedEvent[Any], BatchEffect[Any]]]
    ) -> list[bool]:
        """Run the new events' effects, all in one transaction with their ce_ids; False: seen.

        Seen means handled before or earlier in `work`. Consecutive new events with the same
        effect reach it in one call, in order. The inbox rows are plain INSERTs:
        should a racing consumer have handled one meanwhile, the transaction fails whole
        and nothing of it stays (the caller goes record by record, which skips that one).
        """
        async with self._sessions() as session, session.begin():
            seen = await self._handled(session, {event.id for event, _ in work})
            first_times = []
            for event, _ in work:
                first_times.append(event.id not in seen)
                seen.add(event.id)
            fresh = [item for item, first in zip(work, first_times, strict=True) if first]
            if fresh:
                handled_at = datetime.now(UTC)
                rows = [
                    {
                        "consumer": self.consumer,
                        "ce_id": event.id,
                        "ce_type": event.type,
                        "handled_at": handled_at,
                    }
                    for event, _ in fresh
                ]
                await session.exec(sa.insert(InboxRecord.__table__), params=rows)  # type: ignore[attr-defined]
            for effect, run in groupby(fresh, key=lambda item: item[1]):
                await effect(session, [event for event, _ in run])
        if skipped := len(work) - len(fresh):
            log.info("inbox.duplicates_skipped", consumer=self.consumer, count=skipped)
        return first_times

    async def _handled(self, session: AsyncSession, ids: set[str]) -> set[str]:
        """Which of `ids` this consumer has handled, a few hundred per query."""
        ordered, handled = sorted(ids), set[str]()
        for begin in range(0, len(ordered), IDS_PER_QUERY):
            statement = select(InboxRecord.ce_id).where(
                InboxRecord.consumer == self.consumer,
                col(InboxRecord.ce_id).in_(ordered[begin : begin + IDS_PER_QUERY]),
            )
            handled.update((await session.exec(statement)).all())
        return handled

    def wrap(self, effect: Effect[P]) -> Callable[[ReceivedEvent[P]], Awaitable[None]]:
        """Turn a (session, event) effect into a plain event handler for a subscriber."""

        async def handler(event: ReceivedEvent[P]) -> None:
            await self.apply_once(event, effect)

        return handler


def _nothing(_first_time: bool) -> None:
    """No one to tell."""


def one_by_one(effect: Effect[P]) -> BatchEffect[P]:
    """An event's effect as a batch effect: each event in turn, its ids bound for the logs."""

    async def each(session: AsyncSession, events: Sequence[ReceivedEvent[P]]) -> None:
        for event in events:
            with IdsBound(event):
                await effect(session, event)

    return each


class InboxHandlers(EventHandlers):
    """Handlers whose effects go through one inbox, so a consumer batch is one transaction.

    Record by record (the fallback) each effect has a transaction of its own, as `wrap`'s.
    """

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self._inbox = inbox
        self._effects: dict[str, tuple[BatchEffect[Any], Applied]] = {}

    def add_effect(
        self, payload_type: type[P], effect: Effect[P], applied: Applied = _nothing
    ) -> None:
        """Register the effect of one event type; `applied` hears of each event after commit."""
        self.add_batch_effect(payload_type, one_by_one(effect), applied)

    def add_batch_effect(
        self, payload_type: type[P], effect: BatchEffect[P], applied: Applied = _nothing
    ) -> None:
        """Register an effect that takes a run of events of the type at once."""
        inbox = self._inbox

        async def alone(session: AsyncSession, event: ReceivedEvent[P]) -> None:
            await effect(session, [event])

        async def handler(event: ReceivedEvent[P]) -> None:
            applied(await inbox.apply_once(event, alone))

        self.add(payload_type, handler)
        self._effects[payload_type.event_type] = (effect, applied)

    async def dispatch_batch(self, events: Sequence[ReceivedEvent[Any]]) -> bool:
        """All effects in one inbox transaction; False if a plain handler is among them."""
        work: list[tuple[ReceivedEvent[Any], BatchEffect[Any]]] = []
        told: list[Applied] = []
        for event in events:
            registered = self._effects.get(event.type)
            if registered is None:
                if self.handler_for(event.type) is not None:
                    return False
                continue
            work.append((event, registered[0]))
            told.append(registered[1])
        if work:
            first_times = await self._inbox.apply_all(work)
            for applied, first_time in zip(told, first_times, strict=True):
                applied(first_time)
        return True
