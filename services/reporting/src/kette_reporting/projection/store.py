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

from kette_reporting.projection.tables import (
    FACT_TABLES,
    TABLES_BY_NAME,
    consumed_offset,
    row_key,
)

Offsets = dict[tuple[str, int], int]
"""(topic, partition) -> next offset to read."""


class ProjectionStore:
    """Bulk writes and offset reads over one engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: AsyncEngine, *, loading: bool = False) -> None:
        """`loading`: write into a bulk load that another store (or process) has begun."""
        self.engine = engine
        self.dialect = engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"database dialect {self.dialect!r} is not supported")
        self._appending = loading and self._appends_while_loading()

    def _appends_while_loading(self) -> bool:
        """SQLite's bulk load appends without ids' index; PostgreSQL's keeps it and skips
        a row it holds already, as usual."""
        return self.dialect == "sqlite"

    async def write_batch(
        self, rows: Mapping[str, Sequence[dict[str, Any]]], offsets: Offsets
    ) -> None:
        """Insert every row and move the offsets forward, all or nothing."""
        async with self.engine.begin() as connection:
            for name, values in rows.items():
                if not values:
                    continue
                table = TABLES_BY_NAME[name]
                if self._appending and table in FACT_TABLES:
                    statement, tuples = _plain_bulk(table, values)
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
        """For a rebuild into a fresh database: the fact tables' indexes are dropped, rows
        appended as they come, and the indexes built once at the end, which is a sort, not
        a million random inserts. On SQLite the unique index of the ids goes too, so a
        record read twice is appended twice; building that index then finds the twin and
        the later copy is removed first. The offsets are stored with each batch as always;
        a crash in between leaves a database to throw away (a rebuild refuses a used one).
        Stores made with `loading=True` (in worker processes) may write meanwhile."""
        appending = self._appends_while_loading()
        async with self.engine.begin() as connection:
            for table in FACT_TABLES:
                for index in _rebuilt_indexes(table, appending):
                    await connection.run_sync(index.drop)
        self._appending = appending
        try:
            yield
        finally:
            self._appending = False
            async with self.engine.begin() as connection:
                for table in FACT_TABLES:
                    if appending:
                        await _index_unique_ids(connection, table)
                    for index in _rebuilt_indexes(table, unique_too=False):
                        await connection.run_sync(index.create)

    async def offsets(self) -> Offsets:
        """Where each partition read so far continues."""
        async with self.engine.connect() as connection:
            result = await connection.execute(sa.select(consumed_offset))
            return {(row.topic, row.partition): row.next_offset for row in result}

    def _insert(self, name: str) -> sa.Insert:
        table = TABLES_BY_NAME[name]
        keys = list(row_key(table))
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
    keys = ", ".join(row_key(table))
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    statement = (
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks}) ON CONFLICT ({keys}) DO NOTHING'
    )
    return statement, _tuples(table, rows)


def _plain_bulk(table: sa.Table, rows: Sequence[dict[str, Any]]) -> tuple[str, list[Any]]:
    """An append to a SQLite fact table during a bulk load (no index to look up)."""
    names = [column.name for column in table.columns]
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    return f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', _tuples(table, rows)


def _rebuilt_indexes(table: sa.Table, unique_too: bool) -> list[sa.Index]:
    """The indexes a bulk load drops and builds again (the ids' only where it appends)."""
    return [index for index in table.indexes if unique_too or not index.unique]


async def _index_unique_ids(connection: AsyncConnection, table: sa.Table) -> None:
    """The ids' unique index, after removing the later copy of any record appended twice."""
    (index,) = [index for index in table.indexes if index.unique]
    try:
        async with connection.begin_nested():
            await connection.run_sync(index.create)
        return
    except sa.exc.IntegrityError:  # rare: a record re-sent, or read twice after a crash
        pass
    await connection.exec_driver_sql(
        f'DELETE FROM "{table.name}" WHERE rowid NOT IN '
        f'(SELECT min(rowid) FROM "{table.name}" GROUP BY ce_id)'
    )
    await connection.run_sync(index.create)


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
