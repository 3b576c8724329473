"""Webhook endpoints, the delivery log, and what the dispatcher reads and records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.referrals import ReferralEvent
from kette_core.db import insert_unless_present
from kette_core.envelope import OutgoingEvent
from kette_provider_gateway.webhooks.signing import new_secret, structured
from kette_provider_gateway.webhooks.tables import DeliveryRow, WebhookRow

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
MAX_BACKOFF = timedelta(hours=1)


async def configure(
    session: AsyncSession, provider_id: str, url: str, now: datetime
) -> tuple[str, bool]:
    """Set (or replace) the endpoint with a new secret, returned this once; and whether the
    provider had no endpoint before (then its open referrals are staged for it)."""
    secret = new_secret()
    row = await session.get(WebhookRow, provider_id)
    first = row is None
    if row is None:
        row = WebhookRow(provider_id=provider_id, url=url, secret=secret, created_at=now)
    row.url, row.secret = url, secret
    session.add(row)
    return secret, first


async def stage(session: AsyncSession, event: OutgoingEvent[ReferralEvent], now: datetime) -> bool:
    """In the caller's transaction: a delivery for a provider with a webhook; once per event."""
    provider_id = event.payload.provider_id
    if await session.get(WebhookRow, provider_id) is None:
        return False
    return await insert_unless_present(
        session,
        DeliveryRow.__table__,  # type: ignore[attr-defined]
        {
            "provider_id": provider_id,
            "event_id": event.id,
            "event_type": event.type,
            "body": structured(event),
            "created_at": now,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        },
        unique_on=["provider_id", "event_id"],
    )


async def due(
    session: AsyncSession, now: datetime, scan: int = 500
) -> list[tuple[DeliveryRow, WebhookRow]]:
    """Each provider's oldest pending delivery, if its time has come: order per provider holds."""
    pending = (
        await session.exec(
            select(DeliveryRow)
            .where(col(DeliveryRow.status) == PENDING)
            .order_by(col(DeliveryRow.id))
            .limit(scan)
        )
    ).all()
    heads: dict[str, DeliveryRow] = {}
    for row in pending:
        heads.setdefault(row.provider_id, row)
    ready = []
    for provider_id, row in heads.items():
        webhook = await session.get(WebhookRow, provider_id)
        if webhook is not None and _aware(row.next_attempt_at) <= now:
            ready.append((row, webhook))
    return ready


def record(
    row: DeliveryRow,
    status: int | None,
    error: str | None,
    now: datetime,
    retry_after: timedelta,
    max_attempts: int,
) -> None:
    """A 2xx delivers; anything else retries with doubling back-off until attempts run out."""
    row.attempts += 1
    row.last_status, row.last_error = status, error
    if status is not None and 200 <= status < 300:
        row.status, row.delivered_at = DELIVERED, now
    elif row.attempts >= max_attempts:
        row.status = FAILED
    else:
        row.next_attempt_at = now + min(retry_after * 2 ** (row.attempts - 1), MAX_BACKOFF)


async def store_unless_reset(
    session: AsyncSession, row: DeliveryRow, read: tuple[int, datetime]
) -> bool:
    """Write what `record` put on `row` unless a redelivery reset the row since it was read
    (`read`: its attempts and next attempt then); the reset stands, so the event goes out
    again. Whether it was written."""
    attempts, due = read
    result = await session.exec(
        update(DeliveryRow)
        .where(
            col(DeliveryRow.id) == row.id,
            col(DeliveryRow.status) == PENDING,
            col(DeliveryRow.attempts) == attempts,
            col(DeliveryRow.next_attempt_at) == due,
        )
        .values(
            status=row.status,
            attempts=row.attempts,
            last_status=row.last_status,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
            delivered_at=row.delivered_at,
        )
    )
    return int(result.rowcount) == 1


async def redeliver(session: AsyncSession, provider_id: str, since: datetime, now: datetime) -> int:
    """Send this provider's events from `since` again, in order; other providers untouched."""
    result = await session.exec(
        update(DeliveryRow)
        .where(col(DeliveryRow.provider_id) == provider_id, col(DeliveryRow.created_at) >= since)
        .values(status=PENDING, attempts=0, next_attempt_at=now, delivered_at=None)
    )
    return int(result.rowcount)


async def log(session: AsyncSession, provider_id: str, limit: int = 100) -> Sequence[DeliveryRow]:
    """The provider's latest deliveries, newest first."""
    statement = (
        select(DeliveryRow)
        .where(col(DeliveryRow.provider_id) == provider_id)
        .order_by(col(DeliveryRow.id).desc())
        .limit(limit)
    )
    return (await session.exec(statement)).all()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every one stored here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
