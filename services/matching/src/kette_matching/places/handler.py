"""The chain's referral facts as place changes; each runs inside the inbox's transaction."""

from __future__ import annotations

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import (
    OutcomeRecorded,
    ReferralConfirmed,
    ReferralWithdrawn,
    SharingStopped,
)
from kette_core.contracts.referrals import (
    ParticipantDroppedOut,
    ParticipantEnrolled,
    ProviderReport,
    ReferralCompleted,
)
from kette_core.envelope import ReceivedEvent
from kette_matching.allocation.repository import settle
from kette_matching.places import enrolments
from kette_matching.places.enrolment import ENDED, EnrolmentState
from kette_matching.places.ledger import hold, release
from kette_matching.places.rules import RELEASING_OUTCOMES

log = structlog.get_logger(__name__)


async def on_confirmed(session: AsyncSession, event: ReceivedEvent[ReferralConfirmed]) -> None:
    """The caseworker chose an offer: the referral takes one of its places.

    The place a round reserved for the request stops counting: the hold counts instead.
    """
    fact = event.payload
    await settle(session, fact.request_id)
    state = await hold(session, fact.referral_id, fact.offer_id, fact.participant_id)
    if state is not None:
        log.info(
            "matching.place_held", referral_id=fact.referral_id, offer_id=fact.offer_id, state=state
        )


async def on_withdrawn(session: AsyncSession, event: ReceivedEvent[ReferralWithdrawn]) -> None:
    """A withdrawn referral (including a provider's missed deadline) frees its place."""
    fact = event.payload
    await _release(session, fact.referral_id, fact.participant_id, fact.reason.value)


async def on_outcome(session: AsyncSession, event: ReceivedEvent[OutcomeRecorded]) -> None:
    """Rejection, no-show, drop-out and the end of the course free the place."""
    fact = event.payload
    if fact.referral_id is not None and fact.outcome in RELEASING_OUTCOMES:
        await _release(session, fact.referral_id, fact.participant_id, fact.outcome.value)


async def on_sharing_stopped(session: AsyncSession, event: ReceivedEvent[SharingStopped]) -> None:
    """Referrals withdrawn with the consent free their places too."""
    fact = event.payload
    for referral_id in fact.withdrawn_referral_ids:
        await _release(session, referral_id, fact.participant_id, fact.reason.value)


async def _release(
    session: AsyncSession, referral_id: str, participant_id: str, reason: str
) -> None:
    if await release(session, referral_id, participant_id, reason):
        log.info("matching.place_released", referral_id=referral_id, reason=reason)


async def on_enrolled(session: AsyncSession, event: ReceivedEvent[ParticipantEnrolled]) -> None:
    """The person started: counted as enrolled (unless an end was reported already)."""
    await _reported(session, event.payload, EnrolmentState.ENROLLED)


async def on_dropped_out(
    session: AsyncSession, event: ReceivedEvent[ParticipantDroppedOut]
) -> None:
    """The person left early: counted so, and the place is free again."""
    await _reported(session, event.payload, EnrolmentState.DROPPED_OUT)


async def on_completed(session: AsyncSession, event: ReceivedEvent[ReferralCompleted]) -> None:
    """The person finished: counted so, and the place is free again."""
    await _reported(session, event.payload, EnrolmentState.COMPLETED)


async def _reported(session: AsyncSession, report: ProviderReport, state: EnrolmentState) -> None:
    """Keep the status; an end also releases the hold (once, never below zero)."""
    await enrolments.record(
        session, report.referral_id, report.participant_id, state, report.occurred_on
    )
    if state in ENDED:
        await _release(session, report.referral_id, report.participant_id, state.value)
