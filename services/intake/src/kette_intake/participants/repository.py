"""Storage of participants and idempotency keys; scope filters live in the query, not after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.db import insert_unless_present
from kette_intake.participants.models import IdempotencyRow, ParticipantRow


class ParticipantRepository:
    """Queries of one unit of work (the caller owns the transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: ParticipantRow) -> None:
        """Stage a new participant."""
        self.session.add(row)

    async def in_scope(self, participant_id: str, kommunen: Sequence[str]) -> ParticipantRow | None:
        """The participant if one of `kommunen` holds them: outside the scope looks like absent."""
        statement = select(ParticipantRow).where(
            ParticipantRow.id == participant_id, col(ParticipantRow.kommune).in_(kommunen)
        )
        return (await self.session.exec(statement)).first()

    async def many_in_scope(
        self, participant_ids: Sequence[str], kommunen: Sequence[str]
    ) -> Sequence[ParticipantRow]:
        """Those of `participant_ids` that one of `kommunen` holds (a caseload page at once)."""
        statement = select(ParticipantRow).where(
            col(ParticipantRow.id).in_(participant_ids), col(ParticipantRow.kommune).in_(kommunen)
        )
        return (await self.session.exec(statement)).all()

    async def with_blind_index(self, ki_id: str, blind_index: str) -> Sequence[ParticipantRow]:
        """People of the KI with the same normalised name and birth date."""
        statement = select(ParticipantRow).where(
            ParticipantRow.ki_id == ki_id, ParticipantRow.blind_index == blind_index
        )
        return (await self.session.exec(statement)).all()

    async def claim_key(
        self, key: str, request_hash: str, participant_id: str, answer: dict[str, Any]
    ) -> bool:
        """Record the key with its answer; False if it was taken (a racing retry waits here)."""
        return await insert_unless_present(
            self.session,
            IdempotencyRow.__table__,  # type: ignore[attr-defined]
            {
                "key": key,
                "request_hash": request_hash,
                "participant_id": participant_id,
                "answer": answer,
                "created_at": datetime.now(UTC),
            },
            unique_on=["key"],
        )

    async def key(self, key: str) -> IdempotencyRow | None:
        """The earlier submission under this key."""
        return await self.session.get(IdempotencyRow, key)
