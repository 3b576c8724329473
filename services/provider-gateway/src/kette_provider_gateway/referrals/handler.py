"""Subscriber side of kette.chain.v1: each effect runs in the inbox's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import (
    Outcome,
    OutcomeRecorded,
    OutcomeSource,
    ProfileFactsUpdated,
    ReferralConfirmed,
    ReferralRequested,
    ReferralWithdrawalReason,
    ReferralWithdrawn,
    SharingResumed,
    SharingStopped,
    SharingStopReason,
)
from kette_core.envelope import ReceivedEvent
from kette_provider_gateway.metrics import Metrics
from kette_provider_gateway.referrals import repository, service
from kette_provider_gateway.referrals.states import OPEN_STATES, ReferralState

_STOP_REASON = {
    SharingStopReason.CONSENT_WITHDRAWN: ReferralWithdrawalReason.CONSENT_WITHDRAWN,
    SharingStopReason.CHAIN_CLOSED: ReferralWithdrawalReason.CHAIN_CLOSED,
}
_CASEWORKER_OUTCOME = {
    Outcome.ACCEPTED: ReferralState.ACCEPTED,
    Outcome.ENROLLED: ReferralState.ENROLLED,
    Outcome.COMPLETED: ReferralState.COMPLETED,
    Outcome.REJECTED: ReferralState.REJECTED,
    Outcome.DROPPED_OUT: ReferralState.DROPPED_OUT,
}
"""Outcomes a caseworker entered that move the referral as a provider report would."""


class ChainEffects:
    """What each chain fact changes for providers; publishing goes through the outbox."""

    def __init__(self, source: str, metrics: Metrics) -> None:
        self._source = source
        self._metrics = metrics

    async def on_confirmed(
        self, session: AsyncSession, event: ReceivedEvent[ReferralConfirmed]
    ) -> None:
        """A confirmed referral is handed to its provider (or held until it registers)."""
        outcome = await service.record_confirmed(session, event.payload, self._source, _now())
        self._metrics.referrals.labels(outcome=outcome).inc()

    async def on_withdrawn(
        self, session: AsyncSession, event: ReceivedEvent[ReferralWithdrawn]
    ) -> None:
        """The chain took the referral back."""
        payload = event.payload
        outcome = await service.record_withdrawn(
            session, payload.referral_id, payload.reason, self._source, _now()
        )
        self._metrics.referrals.labels(outcome=outcome).inc()

    async def on_sharing_stopped(
        self, session: AsyncSession, event: ReceivedEvent[SharingStopped]
    ) -> None:
        """Consent withdrawn or chain closed: every referral it names is withdrawn."""
        payload = event.payload
        if payload.reason == SharingStopReason.CONSENT_WITHDRAWN:
            (await repository.facts(session, payload.participant_id)).sharing = False
        reason = _STOP_REASON[payload.reason]
        for referral_id in payload.withdrawn_referral_ids:
            outcome = await service.record_withdrawn(
                session, referral_id, reason, self._source, _now()
            )
            self._metrics.referrals.labels(outcome=outcome).inc()

    async def on_sharing_resumed(
        self, session: AsyncSession, event: ReceivedEvent[SharingResumed]
    ) -> None:
        """New referrals may again offer contact details."""
        (await repository.facts(session, event.payload.participant_id)).sharing = True

    async def on_requested(
        self, session: AsyncSession, event: ReceivedEvent[ReferralRequested]
    ) -> None:
        """A request carries the level and childcare need the referral will tell the provider."""
        payload = event.payload
        facts = await repository.facts(session, payload.participant_id)
        facts.language_level = payload.current_language_level.value
        facts.childcare_needed = payload.constraints.childcare_needed
        session.add(facts)

    async def on_profile_facts(
        self, session: AsyncSession, event: ReceivedEvent[ProfileFactsUpdated]
    ) -> None:
        """A passed exam or a caseworker's correction changes the facts from now on."""
        payload = event.payload
        facts = await repository.facts(session, payload.participant_id)
        if payload.language_level is not None:
            facts.language_level = payload.language_level.value
        if payload.childcare_needed is not None:
            facts.childcare_needed = payload.childcare_needed
        session.add(facts)

    async def on_outcome(
        self, session: AsyncSession, event: ReceivedEvent[OutcomeRecorded]
    ) -> None:
        """A caseworker's entry moves the referral too, so later reports are checked right."""
        payload = event.payload
        state = _CASEWORKER_OUTCOME.get(payload.outcome)
        if payload.source != OutcomeSource.CASEWORKER or state is None or not payload.referral_id:
            return
        row = await repository.get_referral(session, payload.referral_id)
        if row is None or ReferralState(row.state) not in OPEN_STATES:
            return
        row.state = state.value
        row.updated_at = _now()
        session.add(row)


def _now() -> datetime:
    """The clock, read at the edge."""
    return datetime.now(UTC)
