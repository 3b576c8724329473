"""Async engines and sessions for a service's own database (SQLite file or PostgreSQL).

On SQLite every transaction begins `BEGIN IMMEDIATE`: it takes the one write lock at its
start, so concurrent writers queue (up to the busy timeout) instead of one failing when it
upgrades a read snapshot another writer has already moved past. A lock still held after the
timeout raises `DatabaseBusy`, which callers answer as "retry shortly" (HTTP 503).
Work that only reads can use `reading(engine)`: its transactions begin deferred and do not
queue behind writers (WAL lets them read a snapshot).
"""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, ExceptionContext, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.sql.schema import Table
from sqlmodel.ext.asyncio.session import AsyncSession

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_BEGIN = "sqlite_begin"
"""Execution option naming how a SQLite transaction begins: IMMEDIATE (default) or DEFERRED."""
RETRY_AFTER_SECONDS = 2
"""What a caller refused with DatabaseBusy is told to wait before retrying."""


class DatabaseBusy(Exception):
    """The database stayed locked by another writer past the busy timeout; nothing was written,
    and the same request can be retried shortly."""

    def __init__(self, retry_after_seconds: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(
            f"the database is busy with other writers; retry in {retry_after_seconds} s"
        )
        self.retry_after_seconds = retry_after_seconds


def create_engine(
    url: str, *, sqlite_busy_timeout_ms: int | None = None, **engine_options: Any
) -> AsyncEngine:
    """An async engine; for SQLite the file's directory is created, sane pragmas set and
    transactions begun IMMEDIATE, waiting up to the busy timeout (default
    SQLITE_BUSY_TIMEOUT_MS) for the write lock."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, **engine_options)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, **engine_options)
    event.listen(
        engine.sync_engine,
        "connect",
        partial(_sqlite_pragmas, sqlite_busy_timeout_ms or SQLITE_BUSY_TIMEOUT_MS),
    )
    event.listen(engine.sync_engine, "begin", _sqlite_begin)
    event.listen(engine.sync_engine, "handle_error", _sqlite_busy)
    return engine


def reading(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool for work that only reads: on SQLite its transactions begin
    deferred, so they neither wait for nor hold the write lock."""
    return engine.execution_options(**{SQLITE_BEGIN: "DEFERRED"})


def _sqlite_pragmas(busy_timeout_ms: int, dbapi_connection: Any, _: Any) -> None:
    """WAL lets the relay read while the service writes; foreign keys are off by default.

    The driver's own transaction handling is switched off (it begins lazily, before the
    first write only); `_sqlite_begin` begins every transaction itself."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """BEGIN IMMEDIATE unless the caller asked for a deferred (reading) or no transaction."""
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    mode = str(options.get(SQLITE_BEGIN, "IMMEDIATE")).upper()
    if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
        raise ValueError(f"{SQLITE_BEGIN} must be IMMEDIATE, DEFERRED or EXCLUSIVE, not {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_busy(context: ExceptionContext) -> DatabaseBusy | None:
    """SQLite's 'database is locked' (SQLITE_BUSY after the timeout) becomes DatabaseBusy."""
    error = context.original_exception
    code = getattr(error, "sqlite_errorcode", None)
    busy = code is not None and code & 0xFF == sqlite3.SQLITE_BUSY
    if busy or "database is locked" in str(error):
        return DatabaseBusy()
    return None


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def insert_unless_present(
    session: AsyncSession, table: Table, values: dict[str, Any], unique_on: list[str]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True if the row is new. Waits for a racing writer."""
    dialect = session.bind.dialect.name if session.bind is not None else ""
    statement: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        statement = postgresql.insert(table).values(**values)
        statement = statement.on_conflict_do_nothing(index_elements=unique_on)
    elif dialect == "sqlite":
        statement = sqlite.insert(table).values(**values)
        statement = statement.on_conflict_do_nothing(index_elements=unique_on)
    else:
        raise NotImplementedError(f"database dialect {dialect!r} is not supported")
    # RETURNING, not rowcount: psycopg's async cursor reports -1 for this statement.
    result = await session.exec(statement.returning(table.c[unique_on[0]]))
    return result.first() is not None
