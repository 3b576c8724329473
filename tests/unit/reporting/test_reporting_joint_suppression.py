"""Across reports: the KI's report and its Kommunen's, a year's and its quarters', published
together, give no small cell away.

The attacker knows every figure all those reports publish and every sum that binds them:
a table's lines add up to their totals, linked cells of one report are one figure, the KI's
cell is the sum of its Kommunen's, a year's (or half's) the sum of its quarters' and a stock
at a period's end that of the last quarter. A hidden cell is recovered when the linear
system fixes its value (its column of the system's null space is zero).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench._reporting_cohort import as_records, cohort_events
from kette_reporting.api.queries import BadQuery, parse_query
from kette_reporting.figures.compute import FLOW, Figures, compute
from kette_reporting.figures.facts import Facts, facts_from_rows
from kette_reporting.figures.joint import Member, Relation, protect_family, relations
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import TOTAL, Shown, protect_all
from kette_reporting.figures.tables import CountTable
from kette_reporting.projection.projector import prepare
from kette_reporting.report.service import report_from_facts

pytestmark = pytest.mark.unit
Place = tuple[Member, str, tuple[str, str]]
YEAR = Period.parse("2025")
GRID = YEAR.grid()


def cohort(people: int, seed: int) -> Facts:
    return facts_from_rows(prepare(as_records(cohort_events(people, seed=seed))).rows)


def recovered(
    reports: Mapping[Member, Figures],
    shown: Mapping[Member, Sequence[Shown]],
    binding: Sequence[Relation],
) -> set[Place]:
    """The hidden count cells whose values follow from everything published."""
    values: dict[Place, int | float | None] = {
        (member, table.key, cell): value
        for member, tables in shown.items()
        for table in tables
        for cell, value in table.values.items()
    }
    counts = {
        member: {t.key: t for t in figures.tables if isinstance(t, CountTable)}
        for member, figures in reports.items()
    }
    keyed = {(m, t.key): t.values.keys() for m, tables in shown.items() for t in tables}
    equations: list[dict[Place, int]] = []
    for member, figures in reports.items():
        for table in counts[member].values():
            for line, total in _sums(table):
                equation = {(member, table.key, cell): 1 for cell in line}
                equation[member, table.key, total] = -1
                equations.append(equation)
        for link in figures.links:
            first, *rest = sorted(link)
            for key, row, col in rest:
                equations.append({(member, first[0], first[1:]): 1, (member, key, (row, col)): -1})
    for relation in binding:
        members = (relation.whole, *relation.parts)
        for key in counts[relation.whole]:
            cells = {cell for m in members for cell in keyed.get((m, key), ())}
            for cell in cells:
                parts = relation.parts
                if relation.over_time and cell[1] == FLOW[2]:
                    parts = relation.parts[-1:]
                equation = {(relation.whole, key, cell): 1}
                for part in parts:
                    equation[part, key, cell] = equation.get((part, key, cell), 0) - 1
                equations.append(equation)
    unknown = list(dict.fromkeys(p for e in equations for p in e if values.get(p, 0) is None))
    column = {place: index for index, place in enumerate(unknown)}
    matrix = np.zeros((len(equations), len(unknown)))
    for index, equation in enumerate(equations):
        for place, sign in equation.items():
            if place in column:
                matrix[index, column[place]] += sign
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    return {p for p, i in column.items() if not null.size or np.abs(null[:, i]).max() < 1e-9}


def _sums(table: CountTable) -> list[tuple[list[tuple[str, str]], tuple[str, str]]]:
    rows = table.rows + ((TOTAL,) if table.col_totals else ())
    cols = table.cols + ((TOTAL,) if table.row_totals else ())
    sums = []
    if table.row_totals:
        sums += [([(r, c) for c in table.cols], (r, TOTAL)) for r in rows]
    if table.col_totals:
        sums += [([(r, c) for r in table.rows], (TOTAL, c)) for c in cols]
    return sums


def small(shown: Mapping[Member, Sequence[Shown]]) -> set[Place]:
    return {(m, t.key, cell) for m, tables in shown.items() for t in tables for cell in t.primary}


def family(facts: Facts, periods: Sequence[Period], places: Sequence[str]) -> dict[Member, Figures]:
    return {(p, k): compute(facts, p, k) for p in periods for k in (None, *places)}


def alone(reports: Mapping[Member, Figures]) -> dict[Member, tuple[Shown, ...]]:
    return {m: protect_all(f.tables, 5, f.links) for m, f in reports.items()}


def test_the_ki_report_and_all_kommune_reports_together_give_no_small_cell_away() -> None:
    facts = cohort(100, seed=3)
    places = compute(facts, YEAR).kommunen
    reports = family(facts, [YEAR], places)
    binding = [r for r in relations(GRID, places) if r.whole == (YEAR, None) and not r.over_time]
    each = alone(reports)
    assert small(each) & recovered(reports, each, binding)  # one report at a time leaks

    shown = protect_family(reports, binding, 5)

    assert small(shown)
    assert not small(shown) & recovered(reports, shown, binding)


def test_a_year_and_its_halves_and_quarters_together_give_no_small_cell_away() -> None:
    facts = cohort(30, seed=4)
    reports = family(facts, GRID, [])
    binding = relations(GRID, [])
    each = alone(reports)
    assert small(each) & recovered(reports, each, binding)  # one report at a time leaks

    shown = protect_family(reports, binding, 5)

    assert not small(shown) & recovered(reports, shown, binding)


QUARTERS = GRID[3:]
ROWS, COLS, PLACES = ("a", "b"), ("x", "y"), ("K1", "K2")


def by_quarter(counts: list[int]) -> dict[Member, Figures]:
    """One table (rows, columns, totals) per period of the grid and place, from quarter cells."""
    cells = dict(zip(itertools.product(QUARTERS, PLACES, ROWS, COLS), counts, strict=True))

    def figures(period: Period, place: str | None) -> Figures:
        quarters = [q for q in QUARTERS if period.start <= q.start and q.end <= period.end]
        grid = {
            (r, c): sum(cells[q, k, r, c] for q in quarters for k in PLACES if place in (None, k))
            for r in ROWS
            for c in COLS
        }
        table = CountTable("t", "t", "r", ROWS, COLS, grid, row_totals=True, col_totals=True)
        return Figures(period, place, (table,), PLACES, 0, 0)

    return {(p, k): figures(p, k) for p in GRID for k in (None, *PLACES)}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=32, max_size=32), st.integers(2, 6))
def test_no_sum_across_kommunen_or_quarters_has_one_lone_hidden_cell(
    counts: list[int], threshold: int
) -> None:
    reports = by_quarter(counts)

    shown = protect_family(reports, relations(GRID, PLACES), threshold)

    values = {m: tables[0].values for m, tables in shown.items()}
    for relation in relations(GRID, PLACES):
        for cell in values[relation.whole]:
            line = [values[m][cell] for m in (relation.whole, *relation.parts)]
            assert sum(value is None for value in line) != 1, (relation, cell)


def test_hidden_ones_on_an_odd_cycle_across_kommunen_and_quarters_stay_unknown() -> None:
    ones = {3, 5, 9, 15}  # Q1: K1 (b, y), K2 (a, y); Q2: K1 (a, y), K2 (b, y)
    reports = by_quarter([int(i in ones) for i in range(32)])
    binding = relations(GRID, PLACES)

    shown = protect_family(reports, binding, 2)

    assert not small(shown) & recovered(reports, shown, binding)


@pytest.fixture(scope="module")
def steinfurt_year() -> tuple[Facts, dict[Member, tuple[Shown, ...]]]:
    """A small Kreis's year: every report of its grid and places, jointly protected."""
    facts = cohort(60, seed=3)
    places = compute(facts, YEAR).kommunen
    return facts, protect_family(family(facts, GRID, places), relations(GRID, places), 5)


def test_the_ki_and_kommune_reports_hide_the_same_cells_of_a_kommune(
    steinfurt_year: tuple[Facts, dict[Member, tuple[Shown, ...]]],
) -> None:
    _, shown = steinfurt_year
    for (period, kommune), tables in shown.items():
        if kommune is None:
            continue
        for key in ("kommune", "gaps"):
            own = next(t for t in tables if t.key == key).values
            ki = next(t for t in shown[period, None] if t.key == key).values
            hidden_own = {c for c, v in own.items() if c[0] == kommune and v is None}
            hidden_ki = {c for c, v in ki.items() if c[0] == kommune and v is None}
            assert hidden_own == hidden_ki, (key, period, kommune)


def test_a_quarter_report_hides_the_months_its_year_hides(
    steinfurt_year: tuple[Facts, dict[Member, tuple[Shown, ...]]],
) -> None:
    _, shown = steinfurt_year
    year = next(t for t in shown[YEAR, None] if t.key == "transitions_by_month").values
    for quarter in QUARTERS:
        months = next(t for t in shown[quarter, None] if t.key == "transitions_by_month").values
        for cell, value in months.items():
            if cell[0] != TOTAL:
                assert (value is None) == (year[cell] is None), (quarter, cell)


@pytest.mark.parametrize("text", ["2025-04", "2025-01-01..2025-05-31", "2025-02-01..2025-04-30"])
def test_a_report_off_the_year_half_quarter_grid_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="year, a half-year or a quarter"):
        report_from_facts(cohort(5, seed=1), Period.parse(text))
    with pytest.raises(BadQuery) as refused:
        parse_query(text, None, None)
    assert refused.value.field == "period" and "recovered by subtraction" in refused.value.reason
    assert refused.value.message_de.startswith("Zeitraum: Berichte nur für ein Jahr")


@pytest.mark.parametrize("text", ["2025", "2025-H2", "2025-Q3", "2025-01-01..2025-03-31"])
def test_a_year_half_or_quarter_is_on_the_grid_however_written(text: str) -> None:
    assert Period.parse(text) in Period.parse(text).grid()
