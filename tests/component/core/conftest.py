"""A SQLite service database with the plumbing tables, and an effects table to count on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from core_component_support import EFFECTS
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.db import create_engine, session_factory
from kette_core.tables import InboxRecord, OutboxRecord


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}")
    async with engine.begin() as connection:
        for table in (OutboxRecord.__table__, InboxRecord.__table__, EFFECTS):  # type: ignore[attr-defined]
            await connection.run_sync(table.create)
    yield session_factory(engine)
    await engine.dispose()
