"""The place counter in the database: guarded updates, so concurrent consumers cannot overbook."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_matching.catalogue.tables import OfferRow
from kette_matching.places.rules import HoldState, after_release, wants_place
from kette_matching.places.tables import PlaceHoldRow

_OFFER = OfferRow.__table__  # type: ignore[attr-defined]


async def hold(
    session: AsyncSession, referral_id: str, offer_id: str, participant_id: str
) -> HoldState | None:
    """Take a place for the referral if it is new and one is free; None if nothing changed."""
    existing = await session.get(PlaceHoldRow, referral_id)
    if not wants_place(None if existing is None else HoldState(existing.state)):
        if existing is not None and existing.offer_id is None:  # ended before its confirmation:
            existing.offer_id = offer_id  # no place, but reports now count for the offer
            session.add(existing)
        return None
    taken = await session.exec(
        sa.update(_OFFER)
        .where(_OFFER.c.offer_id == offer_id, _OFFER.c.places_taken < _OFFER.c.capacity)
        .values(places_taken=_OFFER.c.places_taken + 1)
        .returning(_OFFER.c.offer_id)
    )
    if taken.first() is not None:
        state = HoldState.HELD
    elif await session.get(OfferRow, offer_id) is None:
        state = HoldState.OUTSIDE_CATALOGUE
    else:
        state = HoldState.OVERBOOKED
    session.add(_row(referral_id, offer_id, participant_id, state, None))
    return state


async def release(
    session: AsyncSession, referral_id: str, participant_id: str, reason: str
) -> bool:
    """End the referral's claim; True if that freed a place."""
    existing = await session.get(PlaceHoldRow, referral_id)
    state, frees = after_release(None if existing is None else HoldState(existing.state))
    if existing is None:
        session.add(_row(referral_id, None, participant_id, state, reason))
        return False
    if existing.state == state:
        return False
    if frees and existing.offer_id is not None:
        await session.exec(
            sa.update(_OFFER)
            .where(_OFFER.c.offer_id == existing.offer_id, _OFFER.c.places_taken > 0)
            .values(places_taken=_OFFER.c.places_taken - 1)
        )
    existing.state, existing.reason, existing.changed_at = state, reason, datetime.now(UTC)
    session.add(existing)
    return frees


def _row(
    referral_id: str,
    offer_id: str | None,
    participant_id: str,
    state: HoldState,
    reason: str | None,
) -> PlaceHoldRow:
    return PlaceHoldRow(
        referral_id=referral_id,
        offer_id=offer_id,
        participant_id=participant_id,
        state=state.value,
        reason=reason,
        changed_at=datetime.now(UTC),
    )
