"""The rules of registering and reading a participant; each call is one transaction."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.access import PiiField
from kette_core.contracts.base import EventPayload
from kette_core.contracts.participants import ConsentScope
from kette_core.envelope import new_event
from kette_core.ids import new_participant_id, random_event_id, stable_event_id
from kette_core.logging import bind_ids
from kette_core.outbox import add_to_outbox
from kette_intake.auth.principal import Principal
from kette_intake.crypto import BlindIndex, PersonalDataSealer, SealedData
from kette_intake.errors import Problem, Refused
from kette_intake.participants import eligibility, events
from kette_intake.participants.change_models import ConsentRow
from kette_intake.participants.models import ParticipantRow
from kette_intake.participants.recording import Recorder
from kette_intake.participants.repository import ParticipantRepository
from kette_intake.participants.schemas import (
    EligibilityAnswer,
    EligibilityCheck,
    Intent,
    ParticipantStatus,
    ParticipantView,
    PersonalData,
    Profile,
    Registration,
    RegistrationAnswer,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Topics:
    """Where intake's events go (tests point them at private topics)."""

    participants: str
    access: str


class ParticipantService:
    """Registration and reads of personal data, with their events in the same transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        rules: eligibility.Rules,
        sealer: PersonalDataSealer,
        blind_index: BlindIndex,
        topics: Topics,
        event_source: str,
        after_commit: Callable[[], None],
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self._sessions = sessions
        self._rules = rules
        self._sealer = sealer
        self._blind_index = blind_index
        self._topics = topics
        self._source = event_source
        self._after_commit = after_commit
        self._today = today

    @property
    def recorder(self) -> Recorder:
        """The same database, rules, keys and topics, for the change and rights services."""
        return Recorder(
            sessions=self._sessions,
            rules=self._rules,
            sealer=self._sealer,
            blind_index=self._blind_index,
            participants_topic=self._topics.participants,
            access_topic=self._topics.access,
            source=self._source,
            after_commit=self._after_commit,
            today=self._today,
        )

    def check(self, principal: Principal, request: EligibilityCheck) -> EligibilityAnswer:
        """Eligibility explained before anything is saved."""
        _require_personal_data_role(principal)
        return eligibility.check(
            self._rules,
            kommune=request.kommune,
            birth_date=request.birth_date,
            residence_status=request.residence_status,
            age_exception=request.age_exception_reason is not None,
            today=self._today(),
        )

    async def register(
        self, principal: Principal, registration: Registration, idempotency_key: str | None
    ) -> tuple[RegistrationAnswer, bool]:
        """Enrol or record an approach; True if new, False for a repeated idempotency key."""
        _require_personal_data_role(principal)
        self._require_in_scope(principal, registration.kommune)
        today = self._today()
        answer = self._answer(registration, today)
        async with self._sessions() as session, session.begin():
            repository = ParticipantRepository(session)
            if idempotency_key is not None:
                earlier = await self._claim(
                    repository, principal, idempotency_key, registration, answer
                )
                if earlier is not None:
                    return earlier, False
            index = self._index_of(registration.personal)
            await self._refuse_duplicate(repository, principal, registration, index)
            repository.add(self._row(answer, registration, principal, index, today))
            if registration.consent_to_share:  # recorded before anything can be shared
                session.add(_consent(answer.participant_id, registration, principal, today))
            payload = self._event(answer, registration, principal, today)
            event_id = stable_event_id(payload.event_type, answer.participant_id)
            event = new_event(payload, source=self._source, event_id=event_id)
            await add_to_outbox(session, event, self._topics.participants)
        self._after_commit()
        log.info(
            "intake.participant_recorded",
            participant_id=answer.participant_id,
            status=answer.status.value,
        )
        return answer, True

    async def read(self, principal: Principal, participant_id: str) -> ParticipantView:
        """The person's data for a caseworker whose Kommunen hold them; the read is an event."""
        _require_personal_data_role(principal)
        async with self._sessions() as session, session.begin():
            row = await ParticipantRepository(session).in_scope(
                participant_id, principal.scope(self._rules.kommunen)
            )
            if row is None:
                raise Refused.one(404, "participant_id", "no such participant in your Kommunen")
            sealed = SealedData(row.personal_data, row.wrapped_key, row.kek_id)
            personal = PersonalData.model_validate_json(self._sealer.open(row.id, sealed))
            read = events.read(row.id, personal, principal.actor)
            event = new_event(read, source=self._source, event_id=random_event_id())
            await add_to_outbox(session, event, self._topics.access)
        self._after_commit()
        with bind_ids(participant_id=row.id):
            log.info("intake.personal_data_read", actor_id=principal.actor_id)
        return ParticipantView(
            participant_id=row.id,
            status=ParticipantStatus(row.status),
            kommune=row.kommune,
            programme_id=row.programme_id,
            registered_on=row.registered_on,
            personal=personal,
            profile=Profile.model_validate(row.profile),
        )

    async def names(self, principal: Principal, participant_ids: Sequence[str]) -> dict[str, str]:
        """Display names of those in the caller's Kommunen; each name shown is an access event."""
        _require_personal_data_role(principal)
        if not participant_ids:
            return {}
        names: dict[str, str] = {}
        async with self._sessions() as session, session.begin():
            rows = await ParticipantRepository(session).many_in_scope(
                participant_ids, principal.scope(self._rules.kommunen)
            )
            for row in rows:
                sealed = SealedData(row.personal_data, row.wrapped_key, row.kek_id)
                personal = PersonalData.model_validate_json(self._sealer.open(row.id, sealed))
                names[row.id] = f"{personal.given_name} {personal.family_name}"
                read = events.read(row.id, personal, principal.actor, (PiiField.NAME,))
                event = new_event(read, source=self._source, event_id=random_event_id())
                await add_to_outbox(session, event, self._topics.access)
        if names:
            self._after_commit()
            log.info("intake.names_read", actor_id=principal.actor_id, count=len(names))
        return names

    def _require_in_scope(self, principal: Principal, kommune: str) -> None:
        scope = principal.scope(self._rules.kommunen)
        if kommune not in scope:
            reason = f"{kommune!r} is not one of your Kommunen ({', '.join(scope) or 'none'})"
            raise Refused.one(422, "kommune", reason)

    def _answer(self, registration: Registration, today: date) -> RegistrationAnswer:
        """Decide before writing: an ineligible enrolment is refused with every reason."""
        verdict = eligibility.check(
            self._rules,
            kommune=registration.kommune,
            birth_date=registration.personal.birth_date,
            residence_status=registration.profile.residence_status,
            age_exception=registration.age_exception_reason is not None,
            today=today,
        )
        if registration.intent is Intent.ENROL:
            if registration.approach is not None:
                raise Refused.one(422, "approach", "only with intent 'approach'")
            if not verdict.eligible:
                problems = [Problem(field=f.field, reason=f.reason) for f in verdict.findings]
                raise Refused(422, problems)
            status = ParticipantStatus.ENROLLED
        else:
            if registration.approach is None:
                raise Refused.one(422, "approach", "required when intent is 'approach'")
            status = ParticipantStatus.APPROACHED
        return RegistrationAnswer(
            participant_id=new_participant_id(), status=status, eligibility=verdict
        )

    async def _claim(
        self,
        repository: ParticipantRepository,
        principal: Principal,
        idempotency_key: str,
        registration: Registration,
        answer: RegistrationAnswer,
    ) -> RegistrationAnswer | None:
        """Take the key with this answer, or return the first answer given under it.

        A racing retry with the same key waits in the insert until the first commits, then
        reads its answer; a key reused for other data is refused.
        """
        key, request_hash = _scoped_key(principal, idempotency_key), _request_hash(registration)
        answer_json = answer.model_dump(mode="json")
        if await repository.claim_key(key, request_hash, answer.participant_id, answer_json):
            return None
        earlier = await repository.key(key)
        if earlier is None:  # the racing submit was refused and rolled back
            raise Refused.one(409, "Idempotency-Key", "a submission with this key failed; retry")
        if earlier.request_hash != request_hash:
            reason = "was already used for a different registration; use a new key"
            raise Refused.one(422, "Idempotency-Key", reason)
        return RegistrationAnswer.model_validate(earlier.answer)

    def _index_of(self, personal: PersonalData) -> str:
        return self._blind_index.of(personal.given_name, personal.family_name, personal.birth_date)

    async def _refuse_duplicate(
        self,
        repository: ParticipantRepository,
        principal: Principal,
        registration: Registration,
        index: str,
    ) -> None:
        """Same name and birth date in this KI: warn unless the caseworker confirmed."""
        if registration.confirmed_not_duplicate:
            return
        matches = await repository.with_blind_index(self._rules.ki_id, index)
        if not matches:
            return
        scope = principal.scope(self._rules.kommunen)
        visible = [row.id for row in matches if row.kommune in scope]
        reason = (
            f"{len(matches)} participant(s) with the same name and birth date are already "
            f"registered in this KI (yours: {', '.join(visible) or 'none'}); submit again with "
            "confirmed_not_duplicate=true if this is another person"
        )
        raise Refused.one(409, "personal", reason)

    def _row(
        self,
        answer: RegistrationAnswer,
        registration: Registration,
        principal: Principal,
        index: str,
        today: date,
    ) -> ParticipantRow:
        """The participant as stored: personal data sealed under the person's own key."""
        plaintext = registration.personal.model_dump_json().encode()
        sealed = self._sealer.seal(answer.participant_id, plaintext)
        return ParticipantRow(
            id=answer.participant_id,
            ki_id=self._rules.ki_id,
            kommune=registration.kommune,
            programme_id=self._rules.programme_id,
            status=answer.status.value,
            registered_on=today,
            profile=registration.profile.model_dump(mode="json"),
            blind_index=index,
            kek_id=sealed.kek_id,
            wrapped_key=sealed.wrapped_key,
            personal_data=sealed.ciphertext,
            created_by=principal.actor_id,
            created_at=datetime.now(UTC),
        )

    def _event(
        self,
        answer: RegistrationAnswer,
        registration: Registration,
        principal: Principal,
        today: date,
    ) -> EventPayload:
        pid, verdict, actor = answer.participant_id, answer.eligibility, principal.actor
        if answer.status is ParticipantStatus.ENROLLED:
            return events.registered(
                pid,
                self._rules.ki_id,
                self._rules.programme_id,
                registration,
                verdict,
                actor,
                today,
            )
        return events.approached(pid, self._rules.ki_id, registration, verdict, actor, today)


def _consent(
    participant_id: str, registration: Registration, principal: Principal, today: date
) -> ConsentRow:
    """The consent signed at registration: scope, day and the version of the text shown."""
    return ConsentRow(
        id=f"c-{uuid.uuid4()}",
        participant_id=participant_id,
        scope=ConsentScope.SHARE_WITH_PROVIDERS.value,
        given_on=today,
        text_version=registration.consent_text_version,
        recorded_by=principal.actor_id,
        created_at=datetime.now(UTC),
    )


def _require_personal_data_role(principal: Principal) -> None:
    if not principal.sees_personal_data:
        reason = f"the role {principal.role.value} does not see personal data"
        raise Refused.one(403, "authorization", reason)


def _scoped_key(principal: Principal, idempotency_key: str) -> str:
    """Keys are the caller's own: two caseworkers' keys never collide."""
    return f"{principal.actor_id}:{idempotency_key}"


def _request_hash(registration: Registration) -> str:
    """Whether a retry carries the same registration as the first submit."""
    return hashlib.sha256(registration.model_dump_json().encode()).hexdigest()
