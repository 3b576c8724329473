"""On SQLite and PostgreSQL: the KI's report and its Kommunen's, read from a real projection,
hide the same cells, and no KI cell is the sum of Kommune cells with one of them hidden; the
year's pattern is made once per state of the projection, and afresh once it moves on."""

from __future__ import annotations

import pytest

from bench._reporting_cohort import as_records, cohort_events
from kette_core.db import create_engine
from kette_reporting.figures.facts import facts_from_rows
from kette_reporting.figures.joint import Family
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import TOTAL
from kette_reporting.projection.projector import prepare
from kette_reporting.projection.rebuild import rebuild
from kette_reporting.projection.store import ProjectionStore
from kette_reporting.report import service
from kette_reporting.report.service import report_from_facts, state_report

pytestmark = pytest.mark.integration
YEAR = Period.parse("2025")
ADDITIVE = ("kommune", "gaps", "module", "stage", "age_band", "exit_reasons", "providers")


async def test_the_ki_and_kommune_reports_from_a_projection_agree_on_hidden_cells(
    database_url: str,
) -> None:
    await rebuild(as_records(cohort_events(90, seed=31)), database_url)
    engine = create_engine(database_url)
    try:
        whole = await state_report(engine, YEAR)
        names = [row for row in whole.table("kommune").rows if row != TOTAL]
        parts = {name: await state_report(engine, YEAR, kommune=name) for name in names}
        again = await state_report(engine, YEAR)
    finally:
        await engine.dispose()

    assert whole == again and len(names) > 1
    assert any(v is None for t in whole.tables for v in t.values.values())
    for key in ("kommune", "gaps"):
        for name, part in parts.items():
            own = {c for c, v in part.table(key).values.items() if c[0] == name and v is None}
            ki = {c for c, v in whole.table(key).values.items() if c[0] == name and v is None}
            assert own == ki, (key, name)
    for key in ADDITIVE:
        for cell, value in whole.table(key).values.items():
            line = [value] + [p.table(key).values.get(cell, 0) for p in parts.values()]
            assert sum(v is None for v in line) != 1, (key, cell, line)


async def test_the_years_pattern_is_made_once_until_the_projection_moves_on(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = as_records(cohort_events(30, seed=32))
    cut = len(records) * 2 // 3
    await rebuild(records[:cut], database_url)
    made: list[Family] = []
    real = service.protect_year
    monkeypatch.setattr(service, "protect_year", lambda *a: made.append(real(*a)) or made[-1])
    engine = create_engine(database_url)
    try:
        first = await state_report(engine, YEAR)
        name = next(row for row in first.table("kommune").rows if row != TOTAL)
        await state_report(engine, YEAR, kommune=name)
        await state_report(engine, Period.parse("2025-Q2"))
        assert len(made) == 1  # the dashboard's page: a Kommune and the KI, one pattern
        rest = prepare(records[cut:])
        await ProjectionStore(engine).write_batch(rest.rows, rest.offsets)
        moved = await state_report(engine, YEAR)
    finally:
        await engine.dispose()

    assert len(made) == 2 and moved.offsets != first.offsets
    whole = report_from_facts(facts_from_rows(prepare(records).rows), YEAR)
    assert moved.tables == whole.tables != first.tables
