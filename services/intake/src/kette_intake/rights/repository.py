"""Storage of erasures: the tombstone in, the key, ciphertext and blind index out."""

from __future__ import annotations

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.db import SQLITE_BEGIN
from kette_intake.participants.models import IdempotencyRow, ParticipantRow
from kette_intake.rights.models import ErasureRow


class ErasureRepository:
    """Queries of one unit of work (the caller owns the transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def shred(self, row: ParticipantRow, tombstone: ErasureRow, keep_key: str | None) -> None:
        """Delete the row that holds the wrapped data key, the ciphertext and the blind index,
        and the idempotency answers that hash the person's registration; keep `keep_key`."""
        connection = await self.session.connection()
        if connection.dialect.name == "sqlite":
            # SQLite would otherwise leave the deleted bytes in free pages of the file.
            await connection.execute(text("PRAGMA secure_delete = ON"))
        self.session.add(tombstone)
        await self.session.delete(row)
        statement = delete(IdempotencyRow).where(
            col(IdempotencyRow.participant_id) == row.id,
            col(IdempotencyRow.key) != (keep_key or ""),
        )
        await connection.execute(statement)

    async def tombstone(self, participant_id: str) -> ErasureRow | None:
        """The erased person's remaining facts, if they were erased."""
        return await self.session.get(ErasureRow, participant_id)


async def forget_old_pages(sessions: async_sessionmaker[AsyncSession]) -> None:
    """SQLite keeps the pages an erasure overwrote in its write-ahead log until a checkpoint;
    best effort, a reader holding an old snapshot delays it to the next checkpoint."""
    async with sessions() as session:
        # A checkpoint cannot run inside a write transaction: this one begins deferred.
        connection = await session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})
        if connection.dialect.name == "sqlite":
            await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
