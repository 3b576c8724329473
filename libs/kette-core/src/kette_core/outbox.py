"""Transactional outbox: events commit with the business change, a relay sends them after."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

import structlog
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.base import EventPayload
from kette_core.db import SQLITE_BEGIN, insert_unless_present
from kette_core.envelope import KafkaRecord, OutgoingEvent, encode
from kette_core.tables import OutboxRecord

log = structlog.get_logger(__name__)

RELAY_LOCK_KEY = 0x6B65_7474_656F_7574 & 0x7FFF_FFFF_FFFF_FFFF
"""PostgreSQL advisory lock held by the active relay, so per-participant order survives."""


class RecordSender(Protocol):
    """Sends encoded records in the given order and returns once the broker confirmed all."""

    async def send_records(self, records: Sequence[KafkaRecord]) -> None: ...


async def add_to_outbox(
    session: AsyncSession, event: OutgoingEvent[EventPayload], topic: str | None = None
) -> bool:
    """Stage an event in the caller's transaction; False if this ce_id was staged before."""
    record = encode(event, topic)
    return await insert_unless_present(
        session,
        OutboxRecord.__table__,  # type: ignore[attr-defined]
        {
            "ce_id": event.id,
            "ce_type": event.type,
            "topic": record.topic,
            "key": record.key,
            "headers": record.headers,
            "value": record.value.decode("utf-8"),
            "created_at": datetime.now(UTC),
        },
        unique_on=["ce_id"],
    )


def as_kafka_record(row: OutboxRecord) -> KafkaRecord:
    """Rebuild the wire record exactly as it was encoded in the business transaction."""
    headers = row.headers if isinstance(row.headers, dict) else json.loads(row.headers)
    return KafkaRecord(
        topic=row.topic,
        key=row.key,
        headers={str(name): str(value) for name, value in headers.items()},
        value=row.value.encode("utf-8"),
    )


class OutboxRelay:
    """Sends unsent rows in id order and marks them; at-least-once, consumers de-duplicate.

    A record is re-sent only if the relay crashes between the broker's acknowledgement and
    the commit that marks its batch, or if a send failed although the broker wrote it. The
    sender's producer must be idempotent (`build_broker`), so its own retries add no copy;
    after a failed send the relay probes with one row until a send succeeds, so an outage
    re-sends at most one record per attempt instead of a batch.

    Rows committed in this process call `wake`, so they leave at once; polling only finds
    rows another process committed. An idle relay therefore doubles its pause after each
    empty look, from `poll_interval` up to `idle_interval`, and a batch sent starts again
    at `poll_interval`: an idle service costs one query per `idle_interval`, not five a
    second.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sender: RecordSender,
        *,
        batch_size: int = 100,
        poll_interval: float = 0.5,
        idle_interval: float = 5.0,
        error_backoff: float = 2.0,
    ) -> None:
        self._sessions = sessions
        self._sender = sender
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._idle_interval = max(idle_interval, poll_interval)
        self._pauses = IdlePauses(poll_interval, self._idle_interval)
        self._error_backoff = error_backoff
        self._probing = False
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def claim_limit(self) -> int:
        """Rows the next attempt claims: one while probing after a failed send."""
        return 1 if self._probing else self._batch_size

    def pause_after(self, sent: int) -> float:
        """Seconds to wait (unless woken) after a look that sent `sent` rows."""
        return self._pauses.after(sent)

    async def relay_once(self) -> int:
        """Send one batch and mark it; returns how many were sent.

        PostgreSQL claims (FOR UPDATE SKIP LOCKED), sends and marks in one transaction. On
        SQLite a transaction holds the file's one write lock, which must not wait for the
        broker: the rows are read, sent outside any transaction and marked in a short one
        (a SQLite file has a single relay)."""
        async with self._sessions() as session:
            if _one_writer_at_a_time(session):
                return await self._relay_outside_a_transaction(session)
            async with session.begin():
                if not await self._holds_relay_lock(session):
                    return 0
                rows = await self._claim_unsent(session, self.claim_limit)
                if not rows:
                    return 0
                await self._send(rows)
                await self._mark_sent(session, rows)
        return self._relayed(rows)

    async def _relay_outside_a_transaction(self, session: AsyncSession) -> int:
        async with session.begin():
            await session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})
            rows = await self._claim_unsent(session, self.claim_limit)
        if not rows:  # committed, not rolled back: the rows stay loaded
            return 0
        await self._send(rows)
        async with session.begin():
            await self._mark_sent(session, rows)
        return self._relayed(rows)

    async def _send(self, rows: Sequence[OutboxRecord]) -> None:
        try:
            await self._sender.send_records([as_kafka_record(row) for row in rows])
        except Exception:
            self._probing = True
            raise
        self._probing = False

    def _relayed(self, rows: Sequence[OutboxRecord]) -> int:
        log.info("outbox.relayed", count=len(rows), last_id=rows[-1].id)
        return len(rows)

    async def _holds_relay_lock(self, session: AsyncSession) -> bool:
        """On PostgreSQL only one relay works at a time; SQLite runs a single relay anyway."""
        if session.bind is None or session.bind.dialect.name != "postgresql":
            return True
        result = await session.exec(select(func.pg_try_advisory_xact_lock(RELAY_LOCK_KEY)))
        return bool(result.one())

    async def _claim_unsent(self, session: AsyncSession, limit: int) -> Sequence[OutboxRecord]:
        """Oldest unsent rows, locked (FOR UPDATE SKIP LOCKED on PostgreSQL)."""
        statement = (
            select(OutboxRecord)
            .where(col(OutboxRecord.sent_at).is_(None))
            .order_by(col(OutboxRecord.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await session.exec(statement)).all()

    async def _mark_sent(self, session: AsyncSession, rows: Sequence[OutboxRecord]) -> None:
        """Mark after the broker confirmed; a crash before this line means a resend."""
        ids = [row.id for row in rows]
        await session.exec(
            update(OutboxRecord)
            .where(col(OutboxRecord.id).in_(ids))
            .values(sent_at=datetime.now(UTC))
        )

    def wake(self) -> None:
        """Ask the loop to look now instead of after the poll interval (call after commit)."""
        self._wake.set()

    def start(self) -> asyncio.Task[None]:
        """Run the relay loop as a background task."""
        if self._task is None or self._task.done():
            self._stopping.clear()
            self._task = asyncio.create_task(self.run(), name="outbox-relay")
        return self._task

    async def stop(self) -> None:
        """Finish the batch in flight, then end the loop."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def run(self) -> None:
        """Relay until stopped; errors are logged and retried after a back-off."""
        log.info("outbox.relay_started")
        while not self._stopping.is_set():
            self._wake.clear()
            limit = self.claim_limit
            try:
                sent = await self.relay_once()
            except Exception:
                log.exception("outbox.relay_failed")
                await self._pause(self._error_backoff)
                continue
            if sent < limit:
                await self._pause(self.pause_after(sent))
        log.info("outbox.relay_stopped")

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake early for new rows or a stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)


class IdlePauses:
    """Pauses of a polling loop: the shortest after a look found work, else the last doubled.

    Also the webhook dispatcher's: work committed in the same process wakes the loop, so
    polling only catches other processes' rows and may slow down while nothing comes.
    """

    def __init__(self, shortest: float, longest: float) -> None:
        self._shortest = shortest
        self._longest = max(longest, shortest)
        self._next = shortest

    def after(self, found: int) -> float:
        """The pause after a look that found `found` items; the next empty one's is twice it."""
        pause = self._shortest if found else self._next
        self._next = min(pause * 2, self._longest)
        return pause


def _one_writer_at_a_time(session: AsyncSession) -> bool:
    """SQLite: a write transaction locks the whole file."""
    return session.bind is not None and session.bind.dialect.name == "sqlite"
