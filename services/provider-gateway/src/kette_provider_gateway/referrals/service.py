"""Chain facts become referrals on the provider's topic: issued, or withdrawn, once each."""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import ReferralConfirmed, ReferralWithdrawalReason
from kette_core.contracts.referrals import ReferralIssued, ReferralWithdrawnForProvider
from kette_core.contracts.vocabulary import LanguageLevel
from kette_core.envelope import OutgoingEvent, new_event
from kette_core.ids import stable_event_id
from kette_core.outbox import add_to_outbox
from kette_provider_gateway.referrals import repository
from kette_provider_gateway.referrals.states import OPEN_STATES, ReferralState
from kette_provider_gateway.referrals.tables import ReferralRow
from kette_provider_gateway.webhooks import service as webhooks

log = structlog.get_logger(__name__)


def issued_event_id(referral_id: str) -> str:
    """One issued event per referral, whoever stages it and however often."""
    return stable_event_id(ReferralIssued.event_type, referral_id)


def withdrawn_event_id(referral_id: str) -> str:
    """One withdrawal per referral, whether the chain withdrew it or sharing stopped."""
    return stable_event_id(ReferralWithdrawnForProvider.event_type, referral_id)


async def record_confirmed(
    session: AsyncSession, confirmed: ReferralConfirmed, source: str, now: datetime
) -> str:
    """Keep the referral; hand it out at once if its provider is registered, else hold it."""
    if await repository.get_referral(session, confirmed.referral_id) is not None:
        return "known"
    row = ReferralRow(
        referral_id=confirmed.referral_id,
        provider_id=confirmed.provider_id,
        participant_id=confirmed.participant_id,
        offer_id=confirmed.offer_id,
        stage=confirmed.stage.value,
        module=confirmed.module.value,
        response_due=confirmed.response_due,
        state=ReferralState.SENT.value,
        updated_at=now,
    )
    session.add(row)
    if not await repository.provider_active(session, confirmed.provider_id):
        log.warning(
            "gateway.referral_held",
            referral_id=row.referral_id,
            provider_id=row.provider_id,
            reason="provider_not_registered",
        )
        return "held"
    await _issue(session, row, source, now)
    return "issued"


async def issue_held(session: AsyncSession, provider_id: str, source: str, now: datetime) -> int:
    """A provider registered late receives the open referrals that waited for it."""
    held = await repository.open_referrals(session, provider_id, issued=False)
    for row in held:
        await _issue(session, row, source, now)
    return len(held)


async def stage_open_for_new_webhook(
    session: AsyncSession, provider_id: str, source: str, now: datetime
) -> int:
    """A provider that sets its webhook after its referrals went out to its topic receives the
    open ones there too (same event ids, so a receiver that also reads the topic sees no new
    fact)."""
    rows = await repository.open_referrals(session, provider_id, issued=True)
    for row in rows:
        await webhooks.stage(session, await _issued_event(session, row, source, now), now)
    return len(rows)


async def record_withdrawn(
    session: AsyncSession,
    referral_id: str,
    reason: ReferralWithdrawalReason,
    source: str,
    now: datetime,
) -> str:
    """Close the referral; tell the provider if it ever received it and it was still open."""
    row = await repository.get_referral(session, referral_id)
    if row is None:
        return "unknown"
    if ReferralState(row.state) not in OPEN_STATES:
        return "closed_already"
    row.state = ReferralState.WITHDRAWN.value
    row.updated_at = now
    session.add(row)
    if not row.issued:
        return "withdrawn_unseen"
    payload = ReferralWithdrawnForProvider(
        referral_id=row.referral_id,
        participant_id=row.participant_id,
        provider_id=row.provider_id,
        reason=reason,
    )
    event = new_event(
        payload, source=source, event_id=withdrawn_event_id(row.referral_id), time=now
    )
    await add_to_outbox(session, event)
    await webhooks.stage(session, event, now)
    return "withdrawn"


async def _issue(session: AsyncSession, row: ReferralRow, source: str, now: datetime) -> None:
    """Stage the issued event for the provider's topic and webhook."""
    event = await _issued_event(session, row, source, now)
    await add_to_outbox(session, event)
    await webhooks.stage(session, event, now)
    row.issued = True
    row.updated_at = now
    session.add(row)


async def _issued_event(
    session: AsyncSession, row: ReferralRow, source: str, now: datetime
) -> OutgoingEvent[ReferralIssued]:
    """The issued event with the participant's pseudonymous facts as known now."""
    facts = await repository.facts(session, row.participant_id)
    level = facts.language_level
    if level is None:
        log.warning("gateway.language_level_unknown", referral_id=row.referral_id)
    payload = ReferralIssued.model_validate(
        {
            "referral_id": row.referral_id,
            "participant_id": row.participant_id,
            "provider_id": row.provider_id,
            "offer_id": row.offer_id,
            "module": row.module,
            "stage": row.stage,
            "language_level": level or LanguageLevel.NONE.value,
            "childcare_needed": facts.childcare_needed,
            "response_due": row.response_due,
            "contact_details_available": facts.sharing,
        }
    )
    return new_event(payload, source=source, event_id=issued_event_id(row.referral_id), time=now)
