"""The claim check at the gateway: the referral must be the caller's and still open before
intake is asked; intake decides on consent and records the read."""

from __future__ import annotations

import structlog
from pydantic import ConfigDict
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.contacts.port import (
    Contact,
    ContactDenied,
    Denial,
    IntakeContacts,
    IntakeUnreachable,
)
from kette_provider_gateway.problems import Refused
from kette_provider_gateway.referrals.repository import get_referral
from kette_provider_gateway.referrals.states import OPEN_STATES, ReferralState
from kette_provider_gateway.referrals.tables import ParticipantFactsRow

log = structlog.get_logger(__name__)


class ReferralContact(Contact):
    """The answer to the provider: which referral, and how to reach its participant."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "referral_id": "p-0f8fad5b-d9cb-469f-a165-70867728950e:ref:1",
                    "given_name": "Amina",
                    "family_name": "Haddad",
                    "phone": "+49 2307 555 0101",
                    "email": None,
                    "languages_spoken": ["Arabic", "Kurdish"],
                }
            ]
        },
    )

    referral_id: str


class IntakeUnavailable(Refused):
    """503: nothing was read; the provider retries after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            503, "intake", "intake_unavailable", "contact details cannot be read now; retry later"
        )
        self.retry_after = retry_after


_DENIED = {
    Denial.NO_CONSENT: (403, "no_consent", "the participant has not consented to sharing"),
    Denial.NOT_FOUND: (404, "referral_not_found", "no referral with this id was sent to you"),
    Denial.ERASED: (410, "participant_erased", "the participant's data was erased"),
}


async def fetch_contact(
    sessions: async_sessionmaker[AsyncSession],
    intake: IntakeContacts,
    provider_id: str,
    referral_id: str,
    retry_after: int,
) -> ReferralContact:
    """Own and open referral, sharing not stopped, then intake; each refusal a Refused."""
    async with sessions() as session:
        referral = await get_referral(session, referral_id)
        if referral is None or referral.provider_id != provider_id:
            raise Refused(404, "referral_id", *_DENIED[Denial.NOT_FOUND][1:])
        state = ReferralState(referral.state)
        if state not in OPEN_STATES:
            message = f"the referral is {state.value}; contact details only while it is open"
            raise Refused(409, "referral_id", "referral_not_active", message)
        facts = await session.get(ParticipantFactsRow, referral.participant_id)
    if facts is not None and not facts.sharing:
        raise Refused(403, "referral_id", *_DENIED[Denial.NO_CONSENT][1:])
    try:
        contact = await intake.contact(referral.participant_id, provider_id, referral_id)
    except ContactDenied as denied:
        status, reason, message = _DENIED[denied.denial]
        raise Refused(status, "referral_id", reason, message) from None
    except IntakeUnreachable:
        raise IntakeUnavailable(retry_after) from None
    log.info("gateway.contact_read", provider_id=provider_id, referral_id=referral_id)
    return ReferralContact(referral_id=referral_id, **contact.model_dump())
