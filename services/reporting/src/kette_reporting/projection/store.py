"""The projection's repository: a batch's rows and its consumed offsets in one transaction.

Rows are inserted with ON CONFLICT DO NOTHING, in bulk (one executemany per table), so a
record read twice (a crash between Kafka and us, an outbox re-send) changes nothing; the
offsets say where each partition continues, so a restart reads each record once more at
most and loses none.
"""

from __future__ import annotations

import contextlib
import functools
import operator
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kette_reporting.projection.tables import FACT_TABLES, TABLES_BY_NAME, consumed_offset

LOAD_PREFIX = "load_"
Offsets = dict[tuple[str, int], int]
"""(topic, partition) -> next offset to read."""


class ProjectionStore:
    """Bulk writes and offset reads over one engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: AsyncEngine, *, loading: bool = False) -> None:
        """`loading`: write as a bulk load another store (or process) has begun does."""
        self.engine = engine
        self.dialect = engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"database dialect {self.dialect!r} is not supported")
        self._prefix = self._load_prefix() if loading else ""

    def _load_prefix(self) -> str:
        """SQLite's bulk load appends to `load_*` tables; PostgreSQL's writes in place."""
        return LOAD_PREFIX if self.dialect == "sqlite" else ""

    async def write_batch(
        self, rows: Mapping[str, Sequence[dict[str, Any]]], offsets: Offsets
    ) -> None:
        """Insert every row and move the offsets forward, all or nothing."""
        async with self.engine.begin() as connection:
            for name, values in rows.items():
                if not values:
                    continue
                table = TABLES_BY_NAME[name]
                if self._prefix and table in FACT_TABLES:
                    statement, tuples = _plain_bulk(self._prefix + name, table, values)
                    await connection.exec_driver_sql(statement, tuples)
                elif self.dialect == "sqlite":
                    statement, tuples = _sqlite_bulk(table, values)
                    await connection.exec_driver_sql(statement, tuples)
                else:
                    await connection.execute(self._insert(name), list(values))
            if offsets:
                await self._save_offsets(connection, offsets)

    @contextlib.asynccontextmanager
    async def bulk_load(self) -> AsyncIterator[None]:
        """For a rebuild into a fresh database: rows go to unconstrained `load_*` tables as
        they come, then into the fact tables once, sorted by key, and the participant
        indexes are built after that. Inserting a million random ce_ids one batch at a time
        into a unique index slows to a third of the speed; appending and merging sorted
        does not. The offsets are stored with each batch as always; a crash in between
        leaves a database to throw away (a rebuild refuses a used one). PostgreSQL only
        builds the indexes at the end. Other stores made with `loading=True` (in worker
        processes) may write the load meanwhile."""
        staged = self._load_prefix() != ""
        async with self.engine.begin() as connection:
            for table in FACT_TABLES:
                for index in table.indexes:
                    await connection.run_sync(index.drop)
                if staged:
                    await connection.exec_driver_sql(
                        f'CREATE TABLE "{LOAD_PREFIX}{table.name}" AS SELECT * '
                        f'FROM "{table.name}" WHERE 1 = 0'
                    )
        self._prefix = self._load_prefix()
        try:
            yield
        finally:
            self._prefix = ""
            async with self.engine.begin() as connection:
                for table in FACT_TABLES:
                    if staged:
                        await connection.exec_driver_sql(_merge_sorted(table))
                        await connection.exec_driver_sql(f'DROP TABLE "{LOAD_PREFIX}{table.name}"')
                    for index in table.indexes:
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
    return statement, _tuples(table, rows)


def _plain_bulk(
    target: str, table: sa.Table, rows: Sequence[dict[str, Any]]
) -> tuple[str, list[Any]]:
    """An append to a SQLite `load_*` table (no constraints, no conflicts to look for)."""
    names = [column.name for column in table.columns]
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    return f'INSERT INTO "{target}" ({quoted}) VALUES ({marks})', _tuples(table, rows)


def _merge_sorted(table: sa.Table) -> str:
    """The loaded rows into the fact table, sorted by key, duplicates dropped."""
    keys = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
    names = ", ".join(f'"{column.name}"' for column in table.columns)
    return (
        f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{LOAD_PREFIX}{table.name}" '
        f"WHERE 1 = 1 ORDER BY {keys} ON CONFLICT ({keys}) DO NOTHING"
    )


def _tuples(table: sa.Table, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows' values in column order (a row may leave a nullable column out), times and
    dates as SQLite text."""
    layout = _layout(table)
    out = []
    for row in rows:
        try:
            values = list(layout.pick(row))
        except KeyError:
            values = list(map(row.get, layout.names))
        for index, convert in layout.timed:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        out.append(tuple(values))
    return out


@dataclass(frozen=True)
class _Layout:
    """A table's column names in order, a getter of them all, and the columns that need a
    text form (by position)."""

    names: tuple[str, ...]
    pick: Callable[[dict[str, Any]], tuple[Any, ...]]
    timed: tuple[tuple[int, Callable[[Any], str]], ...]


@functools.cache
def _layout(table: sa.Table) -> _Layout:
    names = tuple(column.name for column in table.columns)
    timed = tuple(
        (index, convert)
        for index, column in enumerate(table.columns)
        if (convert := _SQLITE_TEXT.get(type(column.type))) is not None
    )
    return _Layout(names, operator.itemgetter(*names), timed)


def _utc_text(value: datetime) -> str:
    """`%Y-%m-%d %H:%M:%S.%f` in UTC, by isoformat (a third cheaper than strftime)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


def _date_text(value: date) -> str:
    return value.isoformat()


_SQLITE_TEXT: dict[type[Any], Callable[[Any], str]] = {
    sa.DateTime: _utc_text,
    sa.Date: _date_text,
}
