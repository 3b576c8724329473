"""Recording residence-status, consent, profile and personal-data changes, each with its
event in the same transaction, so the chain hears of every change exactly as stored."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TypeVar

import structlog
from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.participants import ConsentScope
from kette_core.ids import stable_event_id
from kette_core.logging import bind_ids
from kette_intake.auth.principal import Principal
from kette_intake.errors import Problem, Refused
from kette_intake.participants import change_rules as rules
from kette_intake.participants.change_models import ChangeRow, ConsentRow
from kette_intake.participants.change_repository import ChangeRepository, consent_view
from kette_intake.participants.change_schemas import (
    ChangeKind,
    ChangeView,
    ConsentGrant,
    ConsentView,
    ConsentWithdrawal,
    PersonalChanges,
    ProfileChanges,
    ResidenceStatusChange,
)
from kette_intake.participants.models import ParticipantRow
from kette_intake.participants.recording import IdempotencyKey, Recorder
from kette_intake.participants.repository import ParticipantRepository
from kette_intake.participants.schemas import ParticipantStatus, Profile

log = structlog.get_logger(__name__)
View = TypeVar("View", bound=BaseModel)


class ChangeService:
    """Changes of one participant in the caller's Kommunen; a retry with the same
    Idempotency-Key gets the first answer (False as second value), not a second change."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    async def change_residence_status(
        self,
        principal: Principal,
        participant_id: str,
        change: ResidenceStatusChange,
        idempotency_key: str | None = None,
    ) -> tuple[ChangeView, bool]:
        """A new status: removal closes the chain, a permit hands over, anything else re-plans."""
        key = IdempotencyKey.of(idempotency_key, "residence-status", participant_id, change)
        _refuse(422, rules.residence_problems(change, self._recorder.today()))
        recorder = self._recorder
        async with recorder.sessions() as session, session.begin():
            if (replayed := await self._replayed(session, principal, key, ChangeView)) is not None:
                return replayed, False
            row = await self._enrolled(session, principal, participant_id)
            values = {
                "residence_status": change.new_status.value,
                "residence_status_expires_on": _iso(change.expires_on),
            }
            kind, day = ChangeKind.RESIDENCE_STATUS, change.changed_on
            view = _change(row.id, kind, values, day, principal)
            profile = Profile.model_validate(row.profile)
            _refuse(409, rules.residence_conflicts(profile, change))
            if (claimed := await self._claim(session, principal, key, view)) is not None:
                return claimed, False
            row.profile = {**row.profile, **values}
            event = rules.residence_event(row.id, profile, change, principal.actor)
            await self._record(session, view, event)
        return self._done(view, "intake.residence_status_recorded")

    async def update_profile(
        self,
        principal: Principal,
        participant_id: str,
        changes: ProfileChanges,
        idempotency_key: str | None = None,
    ) -> tuple[ChangeView, bool]:
        """New pseudonymous facts; those the contract carries reach the chain and matching."""
        key = IdempotencyKey.of(idempotency_key, "profile", participant_id, changes)
        recorder = self._recorder
        today = recorder.today()
        async with recorder.sessions() as session, session.begin():
            if (replayed := await self._replayed(session, principal, key, ChangeView)) is not None:
                return replayed, False
            row = await self._enrolled(session, principal, participant_id)
            diff = rules.profile_diff(Profile.model_validate(row.profile), changes)
            _refuse(422, [] if diff else rules.unchanged_problems(changes))
            view = _change(row.id, ChangeKind.PROFILE, diff, today, principal)
            if (claimed := await self._claim(session, principal, key, view)) is not None:
                return claimed, False
            row.profile = {**row.profile, **diff}
            event = rules.profile_event(row.id, diff, principal.actor, today)
            await self._record(session, view, event)
        return self._done(view, "intake.profile_recorded")

    async def correct_personal_data(
        self,
        principal: Principal,
        participant_id: str,
        changes: PersonalChanges,
        idempotency_key: str | None = None,
    ) -> tuple[ChangeView, bool]:
        """Corrected personal data, sealed again under a fresh data key; no event (nothing
        personal leaves intake), the history names the fields only."""
        key = IdempotencyKey.of(idempotency_key, "personal", participant_id, changes)
        recorder = self._recorder
        today = recorder.today()
        async with recorder.sessions() as session, session.begin():
            if (replayed := await self._replayed(session, principal, key, ChangeView)) is not None:
                return replayed, False
            repository = ParticipantRepository(session)
            row = await recorder.in_scope(repository, principal, participant_id)
            after, changed, problems = rules.personal_after(recorder.personal(row), changes)
            _refuse(422, problems)
            view = _change(row.id, ChangeKind.PERSONAL, {}, today, principal, changed)
            if (claimed := await self._claim(session, principal, key, view)) is not None:
                return claimed, False
            sealed = recorder.sealer.seal(row.id, after.model_dump_json().encode())
            row.personal_data, row.wrapped_key, row.kek_id = (
                sealed.ciphertext,
                sealed.wrapped_key,
                sealed.kek_id,
            )
            row.blind_index = recorder.blind_index.of(
                after.given_name, after.family_name, after.birth_date
            )
            session.add(row)
            await self._record(session, view, None)
        return self._done(view, "intake.personal_data_corrected")

    async def give_consent(
        self,
        principal: Principal,
        participant_id: str,
        grant: ConsentGrant,
        idempotency_key: str | None = None,
    ) -> tuple[ConsentView, bool]:
        """Record a signed consent; sharing with providers may start or resume."""
        key = IdempotencyKey.of(idempotency_key, "consent", participant_id, grant)
        recorder = self._recorder
        _refuse(422, rules.consent_problems(grant, recorder.today()))
        async with recorder.sessions() as session, session.begin():
            if (replayed := await self._replayed(session, principal, key, ConsentView)) is not None:
                return replayed, False
            row = await self._enrolled(session, principal, participant_id)
            consent = ConsentRow(
                id=f"c-{uuid.uuid4()}",
                participant_id=row.id,
                scope=grant.scope.value,
                given_on=grant.given_on,
                text_version=grant.text_version,
                recorded_by=principal.actor_id,
                created_at=datetime.now(UTC),
            )
            view = consent_view(consent)
            changes = ChangeRepository(session)
            _refuse(409, rules.consent_conflicts(await changes.consents(row.id), grant))
            if (claimed := await self._claim(session, principal, key, view)) is not None:
                return claimed, False
            changes.add(consent)
            event = rules.consent_given(row.id, grant, principal.actor)
            event_id = stable_event_id(event.event_type, consent.id)
            await recorder.publish(session, event, event_id, recorder.participants_topic)
        return self._done(view, "intake.consent_recorded")

    async def withdraw_consent(
        self,
        principal: Principal,
        participant_id: str,
        scope: ConsentScope,
        withdrawal: ConsentWithdrawal,
        idempotency_key: str | None = None,
    ) -> tuple[ConsentView, bool]:
        """Record the withdrawal; the chain stops sharing with providers."""
        key = IdempotencyKey.of(idempotency_key, f"withdraw-{scope}", participant_id, withdrawal)
        recorder = self._recorder
        async with recorder.sessions() as session, session.begin():
            if (replayed := await self._replayed(session, principal, key, ConsentView)) is not None:
                return replayed, False
            row = await self._enrolled(session, principal, participant_id)
            rows = await ChangeRepository(session).consent_rows(row.id)
            consent = next(
                (c for c in rows if c.scope == scope.value and c.withdrawn_on is None), None
            )
            current = consent_view(consent) if consent is not None else None
            problems = rules.withdrawal_problems(current, withdrawal, recorder.today())
            _refuse(409 if current is None else 422, problems)
            assert consent is not None and current is not None
            answer = current.model_copy(
                update={"withdrawn_on": withdrawal.withdrawn_on, "withdrawn_by": principal.actor_id}
            )
            if (claimed := await self._claim(session, principal, key, answer)) is not None:
                return claimed, False
            consent.withdrawn_on = withdrawal.withdrawn_on
            consent.withdrawn_by = principal.actor_id
            session.add(consent)
            event = rules.consent_withdrawn(row.id, current, withdrawal, principal.actor)
            event_id = stable_event_id(event.event_type, consent.id)
            await recorder.publish(session, event, event_id, recorder.participants_topic)
        return self._done(answer, "intake.consent_withdrawal_recorded")

    async def consents(self, principal: Principal, participant_id: str) -> list[ConsentView]:
        """The person's consents, given and withdrawn, oldest first."""
        async with self._recorder.sessions() as session:
            row = await self._recorder.in_scope(
                ParticipantRepository(session), principal, participant_id
            )
            return await ChangeRepository(session).consents(row.id)

    async def _enrolled(
        self, session: AsyncSession, principal: Principal, participant_id: str
    ) -> ParticipantRow:
        """Chain-bound changes need a chain: an approached person has none."""
        row = await self._recorder.in_scope(
            ParticipantRepository(session), principal, participant_id
        )
        if row.status != ParticipantStatus.ENROLLED.value:
            reason = "the person was approached, not enrolled: they have no chain to change"
            raise Refused.one(409, "participant_id", reason)
        return row

    async def _replayed(
        self,
        session: AsyncSession,
        principal: Principal,
        key: IdempotencyKey | None,
        view: type[View],
    ) -> View | None:
        """The answer first given under the caller's key, before any rule looks at the state."""
        earlier = await self._recorder.replayed(ParticipantRepository(session), principal, key)
        return None if earlier is None else view.model_validate(earlier)

    async def _claim(
        self, session: AsyncSession, principal: Principal, key: IdempotencyKey | None, answer: View
    ) -> View | None:
        """Claim the key with this answer; the first answer if a racing retry won."""
        earlier = await self._recorder.claim(ParticipantRepository(session), principal, key, answer)
        return None if earlier is None else type(answer).model_validate(earlier)

    async def _record(
        self, session: AsyncSession, view: ChangeView, event: rules.ChangeEvent | None
    ) -> None:
        """The history entry and its event, in the caller's transaction."""
        ChangeRepository(session).add(
            ChangeRow(
                id=view.change_id,
                participant_id=view.participant_id,
                kind=view.kind.value,
                fields=view.fields,
                new_values=view.new_values,
                effective_on=view.effective_on,
                recorded_by=view.recorded_by,
                recorded_at=view.recorded_at,
            )
        )
        if event is not None:
            recorder = self._recorder
            event_id = stable_event_id(event.event_type, view.change_id)
            await recorder.publish(session, event, event_id, recorder.participants_topic)

    def _done(self, view: View, log_event: str) -> tuple[View, bool]:
        """After commit: wake the relay, log ids only."""
        self._recorder.after_commit()
        with bind_ids(participant_id=str(getattr(view, "participant_id", ""))):
            log.info(log_event)
        return view, True


def _refuse(status_code: int, problems: list[Problem]) -> None:
    if problems:
        raise Refused(status_code, problems)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _change(
    participant_id: str,
    kind: ChangeKind,
    values: Mapping[str, object],
    effective_on: date,
    principal: Principal,
    fields: list[str] | None = None,
) -> ChangeView:
    """A new history entry; its id also keys the event, so a retried commit cannot double it."""
    return ChangeView.model_validate(
        {
            "change_id": f"chg-{uuid.uuid4()}",
            "participant_id": participant_id,
            "kind": kind,
            "fields": sorted(values) if fields is None else fields,
            "new_values": dict(values),
            "effective_on": effective_on,
            "recorded_by": principal.actor_id,
            "recorded_at": datetime.now(UTC),
        }
    )
