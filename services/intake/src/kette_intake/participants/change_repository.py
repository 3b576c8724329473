"""Storage of consents and recorded changes (the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_intake.participants.change_models import ChangeRow, ConsentRow
from kette_intake.participants.change_schemas import ChangeKind, ChangeView, ConsentView


class ChangeRepository:
    """Queries of one unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: ConsentRow | ChangeRow) -> None:
        """Stage a consent or a change."""
        self.session.add(row)

    async def consent_rows(self, participant_id: str) -> Sequence[ConsentRow]:
        """The person's consents, oldest first."""
        statement = (
            select(ConsentRow)
            .where(ConsentRow.participant_id == participant_id)
            .order_by(col(ConsentRow.created_at), col(ConsentRow.id))
        )
        return (await self.session.exec(statement)).all()

    async def consents(self, participant_id: str) -> list[ConsentView]:
        """The person's consents as views, oldest first."""
        return [consent_view(row) for row in await self.consent_rows(participant_id)]

    async def changes(self, participant_id: str) -> list[ChangeView]:
        """The person's recorded changes, oldest first."""
        statement = (
            select(ChangeRow)
            .where(ChangeRow.participant_id == participant_id)
            .order_by(col(ChangeRow.recorded_at), col(ChangeRow.id))
        )
        return [change_view(row) for row in (await self.session.exec(statement)).all()]


def consent_view(row: ConsentRow) -> ConsentView:
    """A stored consent as the API shows it."""
    return ConsentView.model_validate(
        {**row.model_dump(exclude={"id", "created_at"}), "consent_id": row.id}
    )


def change_view(row: ChangeRow) -> ChangeView:
    """A stored change as the API shows it."""
    return ChangeView(
        change_id=row.id,
        participant_id=row.participant_id,
        kind=ChangeKind(row.kind),
        fields=list(row.fields),
        new_values=dict(row.new_values),
        effective_on=row.effective_on,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )
