"""A migrated, seeded matching database on SQLite and PostgreSQL, for the storage tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.db import create_engine, session_factory
from kette_matching.app import migrate
from kette_matching.catalogue.seed import seed_catalogue
from kette_matching.catalogue.service import load_seed

SEED_DAY = date(2026, 3, 2)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated matching database with the seed loaded as of SEED_DAY."""
    await migrate(database_url)
    engine = create_engine(database_url)
    factory = session_factory(engine)
    await load_seed(factory, seed_catalogue(SEED_DAY))
    yield factory
    await engine.dispose()
