"""On SQLite and PostgreSQL: the KI's report and its Kommunen's, read from a real projection,
hide the same cells, and no KI cell is the sum of Kommune cells with one of them hidden."""

from __future__ import annotations

import pytest

from bench._reporting_cohort import as_records, cohort_events
from kette_core.db import create_engine
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import TOTAL
from kette_reporting.projection.rebuild import rebuild
from kette_reporting.report.service import state_report

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
