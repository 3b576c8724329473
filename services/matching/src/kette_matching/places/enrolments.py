"""Enrolment reports stored per referral, and counted per offer through the referral's hold."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from pydantic import BaseModel
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_matching.places.enrolment import EnrolmentState, after
from kette_matching.places.tables import EnrolmentRow, PlaceHoldRow


class EnrolmentCounts(BaseModel):
    """Referred people per offer by where they stand with the provider."""

    enrolled: int = 0
    dropped_out: int = 0
    completed: int = 0


async def record(
    session: AsyncSession,
    referral_id: str,
    participant_id: str,
    state: EnrolmentState,
    occurred_on: date,
) -> EnrolmentState:
    """Take the report in; the stored status is the same whatever order reports came in."""
    row = await session.get(EnrolmentRow, referral_id)
    existing = None if row is None else (EnrolmentState(row.state), row.occurred_on)
    new_state, new_day = after(existing, (state, occurred_on))
    if row is None:
        row = EnrolmentRow(
            referral_id=referral_id,
            participant_id=participant_id,
            state=new_state.value,
            occurred_on=new_day,
            changed_at=datetime.now(UTC),
        )
    elif (new_state, new_day) != existing:
        row.state, row.occurred_on, row.changed_at = new_state.value, new_day, datetime.now(UTC)
    session.add(row)
    return new_state


async def counts_per_offer(session: AsyncSession) -> dict[str, EnrolmentCounts]:
    """Every offer's counts; a report whose confirmation has not arrived counts once it does."""
    statement = (
        select(PlaceHoldRow.offer_id, EnrolmentRow.state, func.count())
        .join(PlaceHoldRow, col(PlaceHoldRow.referral_id) == col(EnrolmentRow.referral_id))
        .where(col(PlaceHoldRow.offer_id).is_not(None))
        .group_by(col(PlaceHoldRow.offer_id), col(EnrolmentRow.state))
    )
    counts: dict[str, EnrolmentCounts] = defaultdict(EnrolmentCounts)
    for offer_id, state, number in (await session.exec(statement)).all():
        if offer_id is not None:
            setattr(counts[offer_id], state, number)
    return dict(counts)
