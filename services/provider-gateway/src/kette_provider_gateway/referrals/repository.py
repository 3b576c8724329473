"""Reads of referrals and participant facts; callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.providers.tables import ProviderRow
from kette_provider_gateway.referrals.states import OPEN_STATES
from kette_provider_gateway.referrals.tables import ParticipantFactsRow, ReferralRow


async def get_referral(session: AsyncSession, referral_id: str) -> ReferralRow | None:
    """The referral, whoever owns it."""
    return await session.get(ReferralRow, referral_id)


async def open_referrals(
    session: AsyncSession, provider_id: str, *, issued: bool
) -> Sequence[ReferralRow]:
    """The provider's open referrals, oldest first: those already sent to it (`issued`), or
    those held back because it was not registered then."""
    statement = (
        select(ReferralRow)
        .where(
            col(ReferralRow.provider_id) == provider_id,
            col(ReferralRow.issued).is_(issued),
            col(ReferralRow.state).in_([state.value for state in OPEN_STATES]),
        )
        .order_by(col(ReferralRow.updated_at))
    )
    return (await session.exec(statement)).all()


async def facts(session: AsyncSession, participant_id: str) -> ParticipantFactsRow:
    """The participant's facts, a blank row (added to the session) the first time."""
    row = await session.get(ParticipantFactsRow, participant_id)
    if row is None:
        row = ParticipantFactsRow(participant_id=participant_id)
        session.add(row)
    return row


async def provider_active(session: AsyncSession, provider_id: str) -> bool:
    """Registered and not revoked: its topics exist and it may receive."""
    provider = await session.get(ProviderRow, provider_id)
    return provider is not None and provider.revoked_at is None
