"""A service database migrated with Alembic on the backend `database_url` names."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from core_integration_support import EFFECTS, alembic_ini
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.db import create_engine, session_factory
from kette_core.migrations import upgrade_to_head


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The intake database at head, plus the effects table."""
    await upgrade_to_head(alembic_ini("intake"), database_url)
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(EFFECTS.create)
    yield session_factory(engine)
    await engine.dispose()
