"""Migration 0003 on SQLite and PostgreSQL: fact rows kept, ids unique by index, and back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kette_core.db import create_engine
from kette_reporting.database import downgrade, migrate
from kette_reporting.projection.store import ProjectionStore

pytestmark = pytest.mark.integration
AT = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def milestone(ce_id: str) -> dict[str, object]:
    return {
        "ce_id": ce_id,
        "participant_id": "p-0000000a-0000",
        "at": AT,
        "day": date(2025, 3, 4),
        "kind": "stage_started",
        "stage": "language",
        "module": None,
        "reason": None,
        "value": "1",
    }


async def ids_and_indexes(url: str) -> tuple[list[str], set[str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            ids = (await connection.exec_driver_sql("SELECT ce_id FROM milestone")).scalars()
            indexes = await connection.run_sync(
                lambda sync: {index["name"] for index in sa.inspect(sync).get_indexes("milestone")}
            )
            return sorted(ids), indexes
    finally:
        await engine.dispose()


async def test_the_fact_rows_survive_the_migration_both_ways(database_url: str) -> None:
    await migrate(database_url, "0002")
    store = ProjectionStore(create_engine(database_url))
    try:
        await store.write_batch({"milestone": [milestone("a"), milestone("b")]}, {("t", 0): 2})
    finally:
        await store.engine.dispose()

    await migrate(database_url)

    ids, indexes = await ids_and_indexes(database_url)
    assert ids == ["a", "b"]
    assert "uq_milestone_ce_id" in indexes
    store = ProjectionStore(create_engine(database_url))
    try:  # the unique index now makes a record read twice add nothing
        await store.write_batch({"milestone": [milestone("b"), milestone("c")]}, {("t", 0): 4})
        assert (await store.offsets()) == {("t", 0): 4}
    finally:
        await store.engine.dispose()
    assert (await ids_and_indexes(database_url))[0] == ["a", "b", "c"]

    await downgrade(database_url, "0002")  # through 0004 and 0003

    ids, indexes = await ids_and_indexes(database_url)
    assert ids == ["a", "b", "c"]
    assert "uq_milestone_ce_id" not in indexes and "ix_milestone_participant_id" in indexes
    engine = create_engine(database_url)
    try:  # ce_id is the primary key again
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.exec_driver_sql(
                    "INSERT INTO milestone (ce_id, at, day, kind) "
                    "VALUES ('a', '2025-03-04 10:00:00', '2025-03-04', 'x')"
                )
    finally:
        await engine.dispose()
