"""The projection on SQLite and PostgreSQL: offsets with rows, nothing counted twice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench._reporting_cohort import as_records, cohort_events
from kette_core.db import create_engine
from kette_reporting.audit.compare import compare
from kette_reporting.figures.compute import compute
from kette_reporting.figures.facts import facts_from_rows, load_facts
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import protect
from kette_reporting.projection.projector import prepare
from kette_reporting.projection.rebuild import apply_records, open_store, rebuild
from kette_reporting.report.service import report_bytes

pytestmark = pytest.mark.integration
PERIOD = Period.parse("2025")


async def test_a_rebuild_gives_the_figures_of_the_pure_path_and_stores_the_end_offsets(
    database_url: str,
) -> None:
    records = as_records(cohort_events(120, seed=21))

    tally = await rebuild(records, database_url, batch=97)

    engine = create_engine(database_url)
    try:
        stored = compute(await load_facts(engine), PERIOD)
        store = await open_store(database_url, fresh=False)
        offsets = await store.offsets()
        await store.engine.dispose()
    finally:
        await engine.dispose()
    expected = compute(facts_from_rows(prepare(records).rows), PERIOD)
    assert [protect(t, 5) for t in stored.tables] == [protect(t, 5) for t in expected.tables]
    assert tally.events == len(records)
    last = {(r.topic, r.partition): r.offset + 1 for r in records}
    assert offsets == last


async def test_records_applied_again_after_a_crash_change_no_figure(database_url: str) -> None:
    records = as_records(cohort_events(80, seed=22))
    store = await open_store(database_url)
    try:
        await apply_records(store, records[:500], batch=100)
        await apply_records(store, records[300:], batch=100)  # 200 records read twice
        facts = await load_facts(store.engine)
    finally:
        await store.engine.dispose()

    once = facts_from_rows(prepare(records).rows)
    assert len(facts.milestones) == len(once.milestones)
    assert compute(facts, PERIOD).tables == compute(once, PERIOD).tables


async def test_a_used_database_is_refused_as_a_rebuild_target(database_url: str) -> None:
    await rebuild(as_records(cohort_events(5, seed=1)), database_url)

    with pytest.raises(ValueError, match="already holds a projection"):
        await rebuild(as_records(cohort_events(5, seed=1)), database_url)


async def test_the_report_as_of_a_date_is_identical_across_two_runs(database_url: str) -> None:
    await rebuild(as_records(cohort_events(150, seed=23)), database_url)
    engine = create_engine(database_url)
    try:
        runs = [
            await report_bytes(engine, PERIOD, "pdf", as_of=date(2025, 9, 30)) for _ in range(2)
        ]
        later = await report_bytes(engine, PERIOD, "csv", as_of=date(2025, 12, 31))
        earlier = await report_bytes(engine, PERIOD, "csv", as_of=date(2025, 6, 30))
    finally:
        await engine.dispose()

    assert runs[0] == runs[1]
    assert later != earlier  # what happened after June is not in the June report


async def test_after_a_rebuild_the_database_has_exactly_the_tables_the_code_declares(
    database_url: str,
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kette_reporting.database import migrate
    from kette_reporting.projection.tables import ALL_TABLES, METADATA

    await migrate(database_url)
    await rebuild(as_records(cohort_events(20, seed=2)), database_url)  # loads in bulk
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), METADATA)
            )
            names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    finally:
        await engine.dispose()

    ours = {table.name for table in ALL_TABLES}
    assert [d for d in differences if _table_of(d) in ours] == []
    assert not [name for name in names if name.startswith("load_")]


def _table_of(difference: object) -> str | None:
    item = difference[0] if isinstance(difference, list) else difference
    for part in item if isinstance(item, tuple) else ():
        name = getattr(part, "name", None) or getattr(getattr(part, "table", None), "name", None)
        if name:
            return str(getattr(getattr(part, "table", None), "name", None) or name)
    return None


async def test_a_rebuild_keeps_one_copy_of_a_record_it_reads_twice(
    database_url: str, tmp_path: Path
) -> None:
    records = as_records(cohort_events(40, seed=23))
    once = f"sqlite+aiosqlite:///{tmp_path}/once.db"
    await rebuild(records, once)

    await rebuild([*records, *records[:120]], database_url, batch=50)  # e.g. an outbox re-send

    comparison = await compare(once, database_url)
    assert comparison.differences == []
