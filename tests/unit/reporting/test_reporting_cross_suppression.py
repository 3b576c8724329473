"""Across tables: a figure hidden in one table is not handed back by another that publishes it.

The attacker below knows everything a report publishes and every sum it implies (a line's
cells add up to its total; linked cells of different tables are one figure) and solves the
linear system exactly: a hidden cell is recovered when its value follows from it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench._reporting_cohort import as_records, cohort_events
from kette_reporting.figures.compute import LINKS, compute
from kette_reporting.figures.facts import facts_from_rows
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import TOTAL, Link, Shown, protect, protect_all
from kette_reporting.figures.tables import CountTable, Table
from kette_reporting.projection.projector import prepare

pytestmark = pytest.mark.unit
Where = tuple[str, str, str]
MONTHS = ("2025-01", "2025-02", "2025-03")
INTO = ("in Ausbildung", "in Arbeit")
TRANSITION_LINKS = tuple(
    frozenset({("transitions", into, "Personen"), ("transitions_by_month", TOTAL, into)})
    for into in INTO
)


def recovered(tables: Sequence[Table], shown: Sequence[Shown], links: Iterable[Link]) -> set[Where]:
    """The hidden cells whose values follow from what is published."""
    group: dict[Where, Where] = {}
    for link in links:
        first = min(link)
        for member in link:
            group[member] = first
    known: dict[Where, int] = {}
    unknown: list[Where] = []
    for table in shown:
        for cell, value in table.values.items():
            where = group.get((table.key, *cell), (table.key, *cell))
            if value is not None:
                known[where] = int(value)
            elif where not in unknown:
                unknown.append(where)
    unknown = [where for where in unknown if where not in known]
    column = {where: index for index, where in enumerate(unknown)}
    equations: list[list[Fraction]] = []
    for table in tables:
        if isinstance(table, CountTable):
            for line, total in _sums(table):
                equation = [Fraction(0)] * (len(unknown) + 1)
                for sign, cell in [(1, c) for c in line] + [(-1, total)]:
                    where = group.get((table.key, *cell), (table.key, *cell))
                    if where in column:
                        equation[column[where]] += sign
                    else:
                        equation[-1] -= sign * known[where]
                equations.append(equation)
    basis = _row_space(equations, len(unknown))
    found = set()
    for where, index in column.items():
        probe = [Fraction(int(i == index)) for i in range(len(unknown))]
        if _in_span(basis, probe):
            found.add(where)
    return found


def _sums(table: CountTable) -> list[tuple[list[tuple[str, str]], tuple[str, str]]]:
    rows = table.rows + ((TOTAL,) if table.col_totals else ())
    cols = table.cols + ((TOTAL,) if table.row_totals else ())
    sums = []
    if table.row_totals:
        sums += [([(r, c) for c in table.cols], (r, TOTAL)) for r in rows]
    if table.col_totals:
        sums += [([(r, c) for r in table.rows], (TOTAL, c)) for c in cols]
    return sums


def _row_space(equations: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """Reduced rows (coefficients only) spanning the equations' left-hand sides."""
    rows = [equation[:width] for equation in equations]
    basis: list[list[Fraction]] = []
    for pivot in range(width):
        chosen = next((row for row in rows if row[pivot] != 0), None)
        if chosen is None:
            continue
        rows.remove(chosen)
        chosen = [value / chosen[pivot] for value in chosen]
        rows = [[a - row[pivot] * b for a, b in zip(row, chosen, strict=True)] for row in rows]
        basis = [[a - row[pivot] * b for a, b in zip(row, chosen, strict=True)] for row in basis]
        basis.append(chosen)
    return basis


def _in_span(basis: list[list[Fraction]], probe: list[Fraction]) -> bool:
    rest = probe[:]
    for row in basis:
        pivot = next(index for index, value in enumerate(row) if value != 0)
        if rest[pivot] != 0:
            factor = rest[pivot]
            rest = [a - factor * b for a, b in zip(rest, row, strict=True)]
    return not any(rest)


def transitions(by_month: dict[tuple[str, str], int]) -> list[Table]:
    """The report's two transition tables, consistent as `compute` makes them."""
    per_month = CountTable(
        "transitions_by_month", "Übergänge je Monat", "Monat", MONTHS, INTO, by_month,
        row_totals=True, col_totals=True,
    )  # fmt: skip
    totals = {(into, "Personen"): sum(by_month.get((m, into), 0) for m in MONTHS) for into in INTO}
    overall = CountTable("transitions", "Übergänge", "Übergang", INTO, ("Personen",), totals)
    return [overall, per_month]


def primary(shown: Sequence[Shown]) -> set[Where]:
    return {(table.key, *cell) for table in shown for cell in table.primary}


def test_a_total_hidden_in_one_table_and_shown_in_another_no_longer_gives_a_small_cell_away() -> (
    None
):
    tables = transitions({("2025-01", "in Ausbildung"): 5, ("2025-01", "in Arbeit"): 3,
                          ("2025-02", "in Ausbildung"): 6})  # fmt: skip
    alone = [protect(table, 5) for table in tables]
    assert primary(alone) & recovered(tables, alone, TRANSITION_LINKS)  # the attack works

    shown = protect_all(tables, 5, TRANSITION_LINKS)

    assert not recovered(tables, shown, TRANSITION_LINKS)
    assert shown[0].value("in Ausbildung", "Personen") is None
    assert ("in Ausbildung", "Personen") in shown[0].secondary


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=6, max_size=6), st.integers(2, 8))
def test_no_small_transition_figure_can_be_solved_from_both_tables(
    counts: list[int], threshold: int
) -> None:
    cells = dict(zip(itertools.product(MONTHS, INTO), counts, strict=True))
    tables = transitions(cells)

    shown = protect_all(tables, threshold, TRANSITION_LINKS)

    assert not primary(shown) & recovered(tables, shown, TRANSITION_LINKS)


@pytest.mark.parametrize(("people", "kommune"), [(40, None), (40, "Ochtrup"), (120, "Greven")])
def test_no_small_figure_of_a_whole_report_can_be_solved_from_its_tables(
    people: int, kommune: str | None
) -> None:
    figures = compute(
        facts_from_rows(prepare(as_records(cohort_events(people, seed=5))).rows),
        Period.parse("2025"),
        kommune,
    )

    shown = protect_all(figures.tables, 5, figures.links)

    assert primary(shown), "the cohort should have small cells to protect"
    assert not primary(shown) & recovered(figures.tables, shown, figures.links)


def test_the_linked_cells_of_a_report_publish_one_figure() -> None:
    figures = compute(
        facts_from_rows(prepare(as_records(cohort_events(60, seed=9))).rows), Period.parse("2025")
    )
    shown = {table.key: protect(table, 1) for table in figures.tables}  # nothing hidden

    for link in LINKS:
        values = {shown[key].value(row, col) for key, row, col in link}
        assert len(values) == 1, (link, values)
