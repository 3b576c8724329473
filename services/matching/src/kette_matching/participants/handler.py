"""Registrations and profile updates as facts; each runs inside the inbox's transaction."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.participants import ParticipantRegistered, ProfileUpdated
from kette_core.envelope import ReceivedEvent
from kette_matching.participants.tables import ParticipantFactsRow


async def on_registered(session: AsyncSession, event: ReceivedEvent[ParticipantRegistered]) -> None:
    """Remember age band and gender category at entry."""
    fact = event.payload
    await session.merge(
        ParticipantFactsRow(
            participant_id=fact.participant_id,
            age_band=fact.age_band.value,
            gender=fact.gender.value,
        )
    )


async def on_profile_updated(session: AsyncSession, event: ReceivedEvent[ProfileUpdated]) -> None:
    """A new age band replaces the old one; a person not registered here stays unknown."""
    fact = event.payload
    row = await session.get(ParticipantFactsRow, fact.participant_id)
    if row is not None and fact.age_band is not None:
        row.age_band = fact.age_band.value
        session.add(row)
