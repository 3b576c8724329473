"""Data-subject rights: the whole record on request (Art. 15), erasure by destroying the
person's data key (Art. 17); each with its event in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from kette_core.contracts.access import AccessPurpose, PiiRead
from kette_core.contracts.participants import ParticipantErased
from kette_core.ids import random_event_id, stable_event_id
from kette_core.logging import bind_ids
from kette_intake.auth.principal import Principal
from kette_intake.cases.chains import ChainSource
from kette_intake.participants import events
from kette_intake.participants.change_repository import ChangeRepository
from kette_intake.participants.models import ParticipantRow
from kette_intake.participants.recording import IdempotencyKey, Recorder
from kette_intake.participants.repository import ParticipantRepository
from kette_intake.participants.schemas import ParticipantStatus, Profile
from kette_intake.rights.chain_record import chain_record
from kette_intake.rights.models import ErasureRow
from kette_intake.rights.repository import ErasureRepository, forget_old_pages
from kette_intake.rights.schemas import DataExport, ErasureReceipt, ErasureRequest, RecordFacts

log = structlog.get_logger(__name__)


class RightsService:
    """Access and erasure for a caller whose Kommunen hold the person; others get 404."""

    def __init__(self, recorder: Recorder, chains: ChainSource | None = None) -> None:
        self._recorder = recorder
        self._chains = chains

    async def export(self, principal: Principal, participant_id: str) -> DataExport:
        """Everything held on the person; the read is published on kette.access.v1."""
        recorder = self._recorder
        async with recorder.sessions() as session, session.begin():
            row = await recorder.in_scope(ParticipantRepository(session), principal, participant_id)
            personal = recorder.personal(row)
            changes = ChangeRepository(session)
            export = DataExport(
                participant_id=row.id,
                generated_at=datetime.now(UTC),
                record=_facts(row),
                personal=personal,
                profile=Profile.model_validate(row.profile),
                consents=await changes.consents(row.id),
                changes=await changes.changes(row.id),
            )
            read = PiiRead(
                participant_id=row.id,
                actor=principal.actor,
                fields_read=events.fields_of(personal),
                purpose=AccessPurpose.DATA_SUBJECT_REQUEST,
                via_service=events.SERVICE,
            )
            await recorder.publish(session, read, random_event_id(), recorder.access_topic)
        recorder.after_commit()
        with bind_ids(participant_id=row.id):
            log.info("intake.data_exported", actor_id=principal.actor_id)
        chain = await chain_record(self._chains, row.id)
        return export.model_copy(update={"chain": chain})

    async def erase(
        self,
        principal: Principal,
        participant_id: str,
        request: ErasureRequest,
        idempotency_key: str | None = None,
    ) -> tuple[ErasureReceipt, bool]:
        """Destroy the data key with the ciphertext and blind index, keep the pseudonymous
        facts, and tell the chain (kette.participant.erased.v1) so it closes."""
        recorder = self._recorder
        key = IdempotencyKey.of(idempotency_key, "erase", participant_id, request)
        async with recorder.sessions() as session, session.begin():
            participants = ParticipantRepository(session)
            if (replayed := await recorder.replayed(participants, principal, key)) is not None:
                return ErasureReceipt.model_validate(replayed), False
            row = await recorder.in_scope(participants, principal, participant_id)
            now = datetime.now(UTC)
            receipt = ErasureReceipt(
                participant_id=row.id,
                erased_on=recorder.today(),
                ground=request.ground,
                erased_by=principal.actor_id,
                erased_at=now,
            )
            claimed = await recorder.claim(participants, principal, key, receipt)
            if claimed is not None:  # a racing retry committed first
                return ErasureReceipt.model_validate(claimed), False
            tombstone = ErasureRow(
                **_facts(row).model_dump(exclude={"registered_by"}),
                participant_id=row.id,
                erased_on=receipt.erased_on,
                ground=receipt.ground.value,
                erased_by=receipt.erased_by,
                erased_at=now,
            )
            keep = key.scoped(principal) if key is not None else None
            await ErasureRepository(session).shred(row, tombstone, keep)
            erased = ParticipantErased(
                participant_id=row.id,
                erased_on=receipt.erased_on,
                ground=receipt.ground,
                erased_by=principal.actor,
            )
            event_id = stable_event_id(erased.event_type, row.id)
            await recorder.publish(session, erased, event_id, recorder.participants_topic)
        recorder.after_commit()
        await forget_old_pages(recorder.sessions)
        with bind_ids(participant_id=participant_id):
            log.info("intake.participant_erased", actor_id=principal.actor_id)
        return receipt, True


def _facts(row: ParticipantRow) -> RecordFacts:
    return RecordFacts(
        status=ParticipantStatus(row.status),
        ki_id=row.ki_id,
        kommune=row.kommune,
        programme_id=row.programme_id,
        registered_on=row.registered_on,
        registered_by=row.created_by,
    )
