"""Open requests and reservations, in the caller's session (and so its transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import ReferralRequested
from kette_matching.allocation.tables import OpenRequestRow, ReservationRow
from kette_matching.matching.tables import AnswerRow

RESERVED = "reserved"
SETTLED = "settled"
ROUND_LOCK = 7_301_017
"""PostgreSQL advisory lock key: one round at a time, whichever consumer runs it."""


async def stage_all(
    session: AsyncSession, requests: Sequence[tuple[ReferralRequested, datetime]]
) -> int:
    """Queue requests for the next round, skipping any queued or answered already; how many."""
    ids = {request.request_id for request, _ in requests}
    if not ids:
        return 0
    seen = set(
        await session.exec(select(AnswerRow.request_id).where(col(AnswerRow.request_id).in_(ids)))
    )
    queued = select(OpenRequestRow.request_id).where(col(OpenRequestRow.request_id).in_(ids))
    seen.update(await session.exec(queued))
    received_at = datetime.now(UTC)
    rows = []
    for request, requested_at in requests:
        if request.request_id in seen:
            continue
        seen.add(request.request_id)
        rows.append(
            OpenRequestRow(
                request_id=request.request_id,
                participant_id=request.participant_id,
                requested_at=requested_at,
                received_at=received_at,
                request=request.model_dump(mode="json"),
            )
        )
    session.add_all(rows)
    await session.flush()
    return len(rows)


async def lock_round(session: AsyncSession) -> None:
    """One round at a time, and it reads the queue only once it holds the lock.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write that changes nothing
    takes the database's write lock before the first read (the driver would otherwise read
    outside the transaction and write after another round's commit).
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.execute(sa.select(sa.func.pg_advisory_xact_lock(ROUND_LOCK)))
    else:
        table = OpenRequestRow.__table__  # type: ignore[attr-defined]
        await connection.execute(sa.delete(table).where(sa.false()))


async def open_requests(session: AsyncSession) -> list[OpenRequestRow]:
    """Queued requests in the order they were made: the queue greedy would serve."""
    statement = select(OpenRequestRow).order_by(
        col(OpenRequestRow.requested_at), col(OpenRequestRow.request_id)
    )
    return list((await session.exec(statement)).all())


async def dequeue(session: AsyncSession, request_ids: Sequence[str]) -> None:
    """The round answered them: off the queue, 500 to a statement."""
    table = OpenRequestRow.__table__  # type: ignore[attr-defined]
    for begin in range(0, len(request_ids), 500):
        chunk = request_ids[begin : begin + 500]
        await session.exec(sa.delete(table).where(table.c.request_id.in_(chunk)))


async def oldest_waiting(session: AsyncSession) -> datetime | None:
    """When the longest-waiting open request arrived, or None with none open."""
    return (await session.exec(select(func.min(OpenRequestRow.received_at)))).one()


async def reserved_per_offer(session: AsyncSession, today: date) -> dict[str, int]:
    """Places held by reservations still running on `today`, per offer."""
    statement = (
        select(ReservationRow.offer_id, func.count())
        .where(ReservationRow.state == RESERVED, col(ReservationRow.expires_on) >= today)
        .group_by(col(ReservationRow.offer_id))
    )
    return {offer_id: count for offer_id, count in (await session.exec(statement)).all()}


def reservations(
    rows: Sequence[tuple[OpenRequestRow, str]], today: date, days: int
) -> list[ReservationRow]:
    """A reservation per (request, offer) a round allocated, running `days` from `today`."""
    return [
        ReservationRow(
            request_id=row.request_id,
            participant_id=row.participant_id,
            offer_id=offer_id,
            reserved_on=today,
            expires_on=today + timedelta(days=days),
            state=RESERVED,
        )
        for row, offer_id in rows
    ]


async def settle(session: AsyncSession, request_id: str) -> bool:
    """The caseworker confirmed a referral for the request: its hold counts, not the reservation."""
    row = await session.get(ReservationRow, request_id)
    if row is None or row.state != RESERVED:
        return False
    row.state = SETTLED
    session.add(row)
    return True
