"""Suppression across reports: the KI's report, its Kommunen's, a year's and its quarters'.

Every report that leaves the KI is one member of a family: the grid of its calendar year
(the year, its halves, its quarters; `Period.grid`) times the places (the whole KI and each
Kommune). A count cell of one member is bound to the same cell of others by a sum: the KI's
cell is the sum of its Kommunen's, a year's (or half's) the sum of its quarters' (or
halves'), and a stock at a period's end equals the stock at the end of its last part. Such
a line with exactly one hidden member hands that member back by subtraction, so the
smallest other non-zero member is hidden too (the rule `suppression` applies within a
table), and every member's tables are protected again, until no line changes. A report is
always cut from the whole family's pattern, so the KI's report and a Kommune's, or a year's
and its quarter's, agree whichever of them is asked for first.

A cell absent from a member (a Kommune's report has no other Kommune's row; a quarter has
no other quarter's months) is a known zero and drops out of the line. Measures (medians,
rates) are not additive and keep their own rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kette_reporting.figures.compute import FLOW, Figures, compute
from kette_reporting.figures.facts import Facts
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import Cell, Shown, protect_all, sum_lines
from kette_reporting.figures.tables import CountTable

Member = tuple[Period, str | None]
"""One report: its period and its Kommune (None: the whole KI)."""
Place = tuple[Member, str, Cell]
"""One cell of one table of one report."""
STOCKS = frozenset({FLOW[2]})
"""Columns counted at the period's end: over time they equal the last part's, not the sum."""


@dataclass(frozen=True)
class Line:
    """Cells bound by one sum: the first is the whole unless `whole_first` is False (the
    whole lacks the cell: a known zero)."""

    places: tuple[Place, ...]
    whole_first: bool

    def equation(self) -> list[tuple[int, Place]]:
        """The sum as signed terms adding up to zero."""
        sign = 1 if self.whole_first else -1
        return [(sign if index == 0 else -1, place) for index, place in enumerate(self.places)]


@dataclass(frozen=True)
class Relation:
    """A report whose count cells are the sum of its parts' (over time: stocks are the
    last part's)."""

    whole: Member
    parts: tuple[Member, ...]
    over_time: bool


def protect_report(
    facts: Facts, period: Period, kommune: str | None, threshold: int
) -> tuple[Figures, tuple[Shown, ...]]:
    """The figures of one report and its tables as the family's joint pattern shows them."""
    grid = period.grid()
    places = kommunen(facts, grid[0])
    if kommune is not None and kommune not in places:  # no fact there: nothing to reveal
        figures = compute(facts, period, kommune)
        return figures, protect_all(figures.tables, threshold, figures.links)
    reports = {(p, k): compute(facts, p, k) for p in grid for k in (None, *places)}
    shown = protect_family(reports, relations(grid, places), threshold)
    return reports[period, kommune], shown[period, kommune]


def kommunen(facts: Facts, year: Period) -> tuple[str, ...]:
    """Every Kommune a fact up to the year's end names (some reports may be all zeros)."""
    named = {
        fact["kommune"]
        for group in (facts.registrations, facts.approaches, facts.gaps)
        for fact in group
        if fact.day <= year.end
    }
    return tuple(sorted(named))


def relations(grid: Sequence[Period], places: Sequence[str]) -> list[Relation]:
    """KI = sum of its Kommunen for every period; year = halves = quarters, half = its two
    quarters, for the KI and every Kommune."""
    year, h1, h2, *quarters = grid
    found = [Relation((p, None), tuple((p, k) for k in places), False) for p in grid if places]
    for place in (None, *places):
        for whole, parts in (
            (year, (h1, h2)),
            (year, tuple(quarters)),
            (h1, tuple(quarters[:2])),
            (h2, tuple(quarters[2:])),
        ):
            found.append(Relation((whole, place), tuple((p, place) for p in parts), True))
    return found


def protect_family(
    reports: Mapping[Member, Figures], relations: Iterable[Relation], threshold: int
) -> dict[Member, tuple[Shown, ...]]:
    """Every member protected so that no line of `relations` has one lone hidden cell, nor
    can the published figures and sums fix a small one (`_beside_fixed`)."""
    hide: dict[Member, dict[str, set[Cell]]] = {member: {} for member in reports}
    shown = _protect(reports, hide, threshold)
    lines = _lines(reports, shown, relations)
    while True:
        grew = False
        values = {m: {table.key: table.values for table in tables} for m, tables in shown.items()}
        for line in lines:
            partner = _partner(line, values)
            if partner is not None:
                member, key, cell = partner
                hide[member].setdefault(key, set()).add(cell)
                grew = True
        if not grew:
            extra = _beside_fixed(reports, shown, lines, values)
            if not extra:
                return shown
            for member, key, cell in extra:
                hide[member].setdefault(key, set()).add(cell)
        shown = _protect(reports, hide, threshold)


def _protect(
    reports: Mapping[Member, Figures],
    hide: Mapping[Member, Mapping[str, set[Cell]]],
    threshold: int,
) -> dict[Member, tuple[Shown, ...]]:
    return {
        member: protect_all(figures.tables, threshold, figures.links, hide[member])
        for member, figures in reports.items()
    }


def _lines(
    reports: Mapping[Member, Figures],
    shown: Mapping[Member, tuple[Shown, ...]],
    relations: Iterable[Relation],
) -> list[Line]:
    """Per relation, count table and cell: the members' cells bound by one sum."""
    cells = {
        member: {table.key: table.values.keys() for table in tables}
        for member, tables in shown.items()
    }
    first = next(iter(reports.values()))
    counts = [table.key for table in first.tables if isinstance(table, CountTable)]
    lines: list[Line] = []
    for relation in relations:
        members = (relation.whole, *relation.parts)
        for key in counts:
            union = sorted(set().union(*(cells[m].get(key, ()) for m in members)))
            for cell in union:
                bound = members
                if relation.over_time and cell[1] in STOCKS:
                    bound = (relation.whole, relation.parts[-1])
                line = tuple((m, key, cell) for m in bound if cell in cells[m].get(key, ()))
                if len(line) > 1:
                    lines.append(Line(line, line[0][0] == relation.whole))
    return lines


Values = Mapping[Member, Mapping[str, Mapping[Cell, int | float | None]]]


def _partner(line: Line, values: Values) -> Place | None:
    """The cell to hide beside a line's lone hidden one: the smallest non-zero shown
    member, else a zero one; None when the line has no lone hidden cell."""
    found = [(values[m][key][cell], (m, key, cell)) for m, key, cell in line.places]
    if sum(value is None for value, _ in found) != 1:
        return None
    rest = [(value, place) for value, place in found if value is not None]
    non_zero = [item for item in rest if item[0] != 0]
    chosen = min(non_zero or rest, key=lambda item: (item[0], _order(item[1])))
    return chosen[1]


def _order(place: Place) -> tuple[str, str, str, str, str]:
    (period, kommune), key, (row, col) = place
    return (period.code, kommune or "", key, row, col)


def _beside_fixed(
    reports: Mapping[Member, Figures],
    shown: Mapping[Member, tuple[Shown, ...]],
    lines: Sequence[Line],
    values: Values,
) -> set[Place]:
    """Cells to hide because the published figures and every sum (relations, table
    lines, links) still fix a small hidden cell (an odd cycle the line rule leaves): for
    each such cell, the smallest shown member of a sum it is in (non-zero first)."""
    equations = [line.equation() for line in lines] + _within(reports, shown)
    small = {
        (member, table.key, cell) for member, tables in shown.items() for table in tables
        for cell in table.primary
    }  # fmt: skip
    chosen: set[Place] = set()
    for place in sorted(fixed(equations, values) & small, key=_order):
        beside = [
            (values[m][k][c], (m, k, c))
            for equation in equations
            if any(term[1] == place for term in equation)
            for _, (m, k, c) in equation
            if values[m][k][c] is not None
        ]
        non_zero = [item for item in beside if item[0] != 0]
        if non_zero or beside:
            chosen.add(min(non_zero or beside, key=lambda item: (item[0], _order(item[1])))[1])
    return chosen


def _within(
    reports: Mapping[Member, Figures], shown: Mapping[Member, tuple[Shown, ...]]
) -> list[list[tuple[int, Place]]]:
    """Each member's table lines (cells minus their total) and links (one figure twice)."""
    equations: list[list[tuple[int, Place]]] = []
    for member, figures in reports.items():
        for table in figures.tables:
            if isinstance(table, CountTable):
                for line in sum_lines(table):
                    *cells, total = line
                    terms = [(1, (member, table.key, cell)) for cell in cells]
                    equations.append([*terms, (-1, (member, table.key, total))])
        present = {(t.key, cell) for t in shown[member] for cell in t.values}
        for link in figures.links:
            there = [(key, (row, col)) for key, row, col in sorted(link)]
            there = [item for item in there if item in present]
            for key, cell in there[1:]:
                first = (member, there[0][0], there[0][1])
                equations.append([(1, first), (-1, (member, key, cell))])
    return equations


def fixed(equations: Sequence[Sequence[tuple[int, Place]]], values: Values) -> set[Place]:
    """The hidden cells whose value the equations fix, given the shown ones: those with a
    zero column in the null space of the hidden cells' coefficients (per connected part)."""
    parent: dict[Place, Place] = {}

    def root(place: Place) -> Place:
        while parent.setdefault(place, place) != place:
            place = parent[place]
        return place

    hidden_terms = []
    for equation in equations:
        terms = [(sign, p) for sign, p in equation if values[p[0]][p[1]][p[2]] is None]
        if terms:
            hidden_terms.append(terms)
            for _, place in terms[1:]:
                parent[root(place)] = root(terms[0][1])
    parts: dict[Place, list[list[tuple[int, Place]]]] = {}
    for terms in hidden_terms:
        parts.setdefault(root(terms[0][1]), []).append(terms)
    found: set[Place] = set()
    for rows in parts.values():
        unknown = sorted({place for terms in rows for _, place in terms}, key=_order)
        column = {place: index for index, place in enumerate(unknown)}
        matrix = np.zeros((len(rows), len(unknown)))
        for index, terms in enumerate(rows):
            for sign, place in terms:
                matrix[index, column[place]] += sign
        square = matrix.T @ matrix  # same null space, and eigh on it is faster than svd
        eigenvalues, vectors = np.linalg.eigh(square)
        null = vectors[:, eigenvalues < 1e-9 * max(1.0, float(eigenvalues[-1]))]
        found |= {p for p, i in column.items() if not null.size or abs(null[i]).max() < 1e-6}
    return found
