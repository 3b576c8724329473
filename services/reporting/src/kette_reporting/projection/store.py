"""The projection's repository: a batch's rows and its consumed offsets in one transaction.

Rows are inserted with ON CONFLICT DO NOTHING, in bulk (one executemany per table), so a
record read twice (a crash between Kafka and us, an outbox re-send) changes nothing; the
offsets say where each partition continues, so a restart reads each record once more at
most and loses none.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kette_reporting.projection.tables import FACT_TABLES, TABLES_BY_NAME, consumed_offset

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
                if not values:
                    continue
                if self.dialect == "sqlite":
                    statement, tuples = _sqlite_bulk(TABLES_BY_NAME[name], values)
                    await connection.exec_driver_sql(statement, tuples)
                else:
                    await connection.execute(self._insert(name), list(values))
            if offsets:
                await self._save_offsets(connection, offsets)

    @contextlib.asynccontextmanager
    async def bulk_load(self) -> AsyncIterator[None]:
        """For a rebuild into a fresh database: the participant indexes are dropped while it
        loads and built once at the end (keeping them up costs a third of the write time at
        a million rows)."""
        indexes = [index for table in FACT_TABLES for index in table.indexes]
        async with self.engine.begin() as connection:
            for index in indexes:
                await connection.run_sync(index.drop)
        try:
            yield
        finally:
            async with self.engine.begin() as connection:
                for index in indexes:
                    await connection.run_sync(index.create)

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


def _sqlite_bulk(table: sa.Table, rows: Sequence[dict[str, Any]]) -> tuple[str, list[Any]]:
    """One executemany of plain tuples straight to the driver: SQLAlchemy's per-row
    parameter processing costs more than SQLite's insert. Dates and times are written in
    the text form SQLAlchemy's SQLite types read back (UTC, no offset)."""
    names = [column.name for column in table.columns]
    keys = ", ".join(column.name for column in table.primary_key.columns)
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    statement = (
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks}) ON CONFLICT ({keys}) DO NOTHING'
    )
    converters = [_SQLITE_TEXT.get(type(column.type)) for column in table.columns]
    plain = [(index, name) for index, name in enumerate(names) if converters[index] is None]
    timed = [(index, name, converters[index]) for index, name in enumerate(names)
             if converters[index] is not None]  # fmt: skip
    tuples = []
    for row in rows:
        values: list[Any] = [None] * len(names)
        for index, name in plain:
            values[index] = row.get(name)
        for index, name, convert in timed:
            value = row.get(name)
            values[index] = None if value is None or convert is None else convert(value)
        tuples.append(tuple(values))
    return statement, tuples


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _date_text(value: date) -> str:
    return value.isoformat()


_SQLITE_TEXT: dict[type[Any], Callable[[Any], str]] = {
    sa.DateTime: _utc_text,
    sa.Date: _date_text,
}
