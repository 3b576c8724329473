"""What every write about one participant shares: scope, sealing, events, idempotency."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.base import EventPayload
from kette_core.envelope import new_event
from kette_core.outbox import add_to_outbox
from kette_intake.auth.principal import Principal
from kette_intake.crypto import BlindIndex, PersonalDataSealer, SealedData
from kette_intake.errors import Refused
from kette_intake.participants.eligibility import Rules
from kette_intake.participants.models import IdempotencyRow, ParticipantRow
from kette_intake.participants.repository import ParticipantRepository
from kette_intake.participants.schemas import PersonalData


@dataclass(frozen=True)
class Recorder:
    """The database, rules, keys and topics the participant services share."""

    sessions: async_sessionmaker[AsyncSession]
    rules: Rules
    sealer: PersonalDataSealer
    blind_index: BlindIndex
    participants_topic: str
    access_topic: str
    source: str
    after_commit: Callable[[], None]
    today: Callable[[], date]

    async def in_scope(
        self, repository: ParticipantRepository, principal: Principal, participant_id: str
    ) -> ParticipantRow:
        """The participant, for a caller who may see personal data and whose Kommunen hold
        them; anyone else learns nothing, not even that the id exists."""
        if not principal.sees_personal_data:
            reason = f"the role {principal.role.value} does not see personal data"
            raise Refused.one(403, "authorization", reason)
        row = await repository.in_scope(participant_id, principal.scope(self.rules.kommunen))
        if row is None:
            raise Refused.one(404, "participant_id", "no such participant in your Kommunen")
        return row

    def personal(self, row: ParticipantRow) -> PersonalData:
        """Unwrap the person's data key and open their data."""
        sealed = SealedData(row.personal_data, row.wrapped_key, row.kek_id)
        return PersonalData.model_validate_json(self.sealer.open(row.id, sealed))

    async def publish(
        self, session: AsyncSession, payload: EventPayload, event_id: str, topic: str
    ) -> None:
        """Stage the event in the caller's transaction; the relay sends it after commit."""
        event = new_event(payload, source=self.source, event_id=event_id)
        await add_to_outbox(session, event, topic)

    async def replayed(
        self,
        repository: ParticipantRepository,
        principal: Principal,
        key: IdempotencyKey | None,
    ) -> dict[str, Any] | None:
        """The answer first given under the caller's key, looked up before any rule runs, so
        a retry gets it even when the state has moved on (consent withdrawn, person erased)."""
        if key is None:
            return None
        return _same_request(await repository.key(key.scoped(principal)), key)

    async def claim(
        self,
        repository: ParticipantRepository,
        principal: Principal,
        key: IdempotencyKey | None,
        answer: BaseModel,
    ) -> dict[str, Any] | None:
        """Claim the caller's key with this answer; a racing retry waits in the insert until
        the first commits and gets the first answer back."""
        if key is None:
            return None
        scoped = key.scoped(principal)
        answer_json = answer.model_dump(mode="json")
        if await repository.claim_key(scoped, key.request_hash, key.participant_id, answer_json):
            return None
        earlier = _same_request(await repository.key(scoped), key)
        if earlier is None:
            raise Refused.one(409, "Idempotency-Key", "a request with this key failed; retry")
        return earlier


def _same_request(earlier: IdempotencyRow | None, key: IdempotencyKey) -> dict[str, Any] | None:
    """A key reused for another request is refused, not answered."""
    if earlier is None:
        return None
    if earlier.request_hash != key.request_hash:
        reason = "was already used for a different request; use a new key"
        raise Refused.one(422, "Idempotency-Key", reason)
    return earlier.answer


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key for one action on one participant, with a hash of what it asked."""

    value: str
    action: str
    participant_id: str
    request_hash: str

    def scoped(self, principal: Principal) -> str:
        """Keys are the caller's own and per action: two callers' keys never collide."""
        return f"{principal.actor_id}:{self.action}:{self.value}"

    @classmethod
    def of(
        cls, value: str | None, action: str, participant_id: str, request: BaseModel
    ) -> IdempotencyKey | None:
        """None when the client sent no key."""
        if value is None:
            return None
        body = f"{participant_id}\x1f{request.model_dump_json()}".encode()
        return cls(value, action, participant_id, hashlib.sha256(body).hexdigest())
