"""Async engines and sessions for a service's own database (SQLite file or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.sql.schema import Table
from sqlmodel.ext.asyncio.session import AsyncSession

SQLITE_BUSY_TIMEOUT_MS = 5000


def create_engine(url: str, **engine_options: Any) -> AsyncEngine:
    """An async engine; for SQLite the file's directory is created and sane pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, **engine_options)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, **engine_options)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    """WAL lets the relay read while the service writes; foreign keys are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
