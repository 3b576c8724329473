"""The projection's repository: a batch's rows and its consumed offsets in one transaction.

Rows are inserted with ON CONFLICT DO NOTHING, in bulk (one executemany per table), so a
record read twice (a crash between Kafka and us, an outbox re-send) changes nothing; the
offsets say where each partition continues, so a restart reads each record once more at
most and loses none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kette_reporting.projection.tables import TABLES_BY_NAME, consumed_offset

Offsets = dict[tuple[str, int], int]
"""(topic, partition) -> next offset to read."""


class ProjectionStore:
    """Bulk writes and offset reads over one engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"database dialect {self.dialect!r} is not supported")

    async def write_batch(
        self, rows: Mapping[str, Sequence[dict[str, Any]]], offsets: Offsets
    ) -> None:
        """Insert every row and move the offsets forward, all or nothing."""
        async with self.engine.begin() as connection:
            for name, values in rows.items():
                if values:
                    await connection.execute(self._insert(name), list(values))
            if offsets:
                await self._save_offsets(connection, offsets)

    async def offsets(self) -> Offsets:
        """Where each partition read so far continues."""
        async with self.engine.connect() as connection:
            result = await connection.execute(sa.select(consumed_offset))
            return {(row.topic, row.partition): row.next_offset for row in result}

    def _insert(self, name: str) -> sa.Insert:
        table = TABLES_BY_NAME[name]
        keys = [column.name for column in table.primary_key.columns]
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)

    async def _save_offsets(self, connection: AsyncConnection, offsets: Offsets) -> None:
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        statement = dialect.insert(consumed_offset)
        statement = statement.on_conflict_do_update(
            index_elements=["topic", "partition"],
            set_={"next_offset": statement.excluded.next_offset},
        )
        values = [
            {"topic": topic, "partition": partition, "next_offset": offset}
            for (topic, partition), offset in sorted(offsets.items())
        ]
        await connection.execute(statement, values)
