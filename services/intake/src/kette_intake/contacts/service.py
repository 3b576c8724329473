"""The claim check's rule: contact only with a standing consent to share with providers,
and every read published on kette.access.v1 in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.access import AccessPurpose, PiiField, PiiRead
from kette_core.contracts.participants import ConsentScope
from kette_core.contracts.vocabulary import Actor, ActorRole
from kette_core.ids import random_event_id
from kette_core.logging import bind_ids
from kette_intake.contacts.schemas import ContactDetails
from kette_intake.errors import Refused
from kette_intake.participants import events
from kette_intake.participants.change_models import ConsentRow
from kette_intake.participants.change_repository import ChangeRepository
from kette_intake.participants.models import ParticipantRow
from kette_intake.participants.recording import Recorder
from kette_intake.participants.schemas import PersonalData
from kette_intake.rights.repository import ErasureRepository

log = structlog.get_logger(__name__)
VIA = "provider-gateway"
HANDED_OUT = frozenset({PiiField.NAME, PiiField.PHONE, PiiField.EMAIL, PiiField.LANGUAGES_SPOKEN})
"""What a provider gets to reach the person; never birth date, address or nationality."""


class ContactService:
    """Contact details for the gateway, on behalf of the provider named in the call."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    async def contact(
        self, participant_id: str, provider_id: str, referral_id: str
    ) -> ContactDetails:
        """404 unknown, 410 erased, 403 without consent; else the contact and its access event."""
        recorder = self._recorder
        with bind_ids(participant_id=participant_id):
            async with recorder.sessions() as session, session.begin():
                row = await _held(session, participant_id, provider_id, referral_id)
                consents = await ChangeRepository(session).consent_rows(participant_id)
                if not consenting(consents, recorder.today()):
                    _refused(provider_id, referral_id, "no_consent")
                    raise Refused.one(403, "consent", "no consent to share with providers")
                personal = recorder.personal(row)
                read = PiiRead(
                    participant_id=row.id,
                    actor=provider_actor(provider_id),
                    fields_read=fields_read(personal),
                    purpose=AccessPurpose.REFERRAL_CONTACT,
                    via_service=VIA,
                )
                await recorder.publish(session, read, random_event_id(), recorder.access_topic)
            recorder.after_commit()
            log.info("intake.contact_read", provider_id=provider_id, referral_id=referral_id)
        return ContactDetails(
            participant_id=row.id,
            given_name=personal.given_name,
            family_name=personal.family_name,
            phone=personal.phone,
            email=personal.email,
            languages_spoken=list(personal.languages_spoken),
        )


async def _held(
    session: AsyncSession, participant_id: str, provider_id: str, referral_id: str
) -> ParticipantRow:
    """The participant's row; an erased person is gone (410), an unknown one absent (404)."""
    row = await session.get(ParticipantRow, participant_id)
    if row is not None:
        return row
    if await ErasureRepository(session).tombstone(participant_id) is not None:
        _refused(provider_id, referral_id, "participant_erased")
        raise Refused.one(410, "participant_id", "the participant was erased")
    _refused(provider_id, referral_id, "participant_not_found")
    raise Refused.one(404, "participant_id", "no such participant")


def consenting(consents: Sequence[ConsentRow], today: date) -> bool:
    """A consent to share with providers, given by today and not withdrawn by today."""
    return any(
        consent.scope == ConsentScope.SHARE_WITH_PROVIDERS.value
        and consent.given_on <= today
        and (consent.withdrawn_on is None or consent.withdrawn_on > today)
        for consent in consents
    )


def provider_actor(provider_id: str) -> Actor:
    """The provider as the access event's reader (`prov-<id>`, as the contract's example)."""
    return Actor(role=ActorRole.PROVIDER, actor_id=f"prov-{provider_id}")


def fields_read(personal: PersonalData) -> tuple[PiiField, ...]:
    """The kinds of data handed out: of those the person's record holds, the contact ones."""
    return tuple(kind for kind in events.fields_of(personal) if kind in HANDED_OUT)


def _refused(provider_id: str, referral_id: str, reason: str) -> None:
    log.warning(
        "intake.contact_refused", provider_id=provider_id, referral_id=referral_id, reason=reason
    )
