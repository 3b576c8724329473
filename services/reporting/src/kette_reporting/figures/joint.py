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

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from kette_reporting.figures.compute import FLOW, Figures, compute, shares
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


@dataclass(frozen=True)
class Family:
    """A calendar year's reports (grid × places) jointly protected: every report is cut
    from it, so one pattern serves the KI's and each Kommune's, the year's and a quarter's."""

    facts: Facts
    year: Period
    threshold: int
    reports: Mapping[Member, Figures]
    shown: Mapping[Member, tuple[Shown, ...]]

    def report(self, period: Period, kommune: str | None) -> tuple[Figures, tuple[Shown, ...]]:
        """One member's figures and tables; a period off the year's grid raises ValueError."""
        if period.grid()[0] != self.year:
            raise ValueError(f"period {period.code}: not in the year {self.year.code}")
        if (period, kommune) in self.reports:
            return self.reports[period, kommune], self.shown[period, kommune]
        figures = compute(self.facts, period, kommune)  # no fact there: nothing to reveal
        return figures, protect_all(figures.tables, self.threshold, figures.links)


def protect_year(facts: Facts, year: Period, threshold: int) -> Family:
    """Every report of the year's grid, for the whole KI and each Kommune, protected jointly;
    each Kommune's reports read only its share of the facts."""
    with _no_cycle_collection():
        return _protect_year(facts, year, threshold)


def _protect_year(facts: Facts, year: Period, threshold: int) -> Family:
    grid = year.grid()
    places = kommunen(facts, grid[0])
    share = shares(facts)
    reports = {
        (p, k): compute(facts, p, k, share.get(k or "")) for p in grid for k in (None, *places)
    }
    return Family(
        facts,
        grid[0],
        threshold,
        reports,
        protect_family(reports, relations(grid, places), threshold),
    )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The family makes some hundred thousand short-lived tuples, sets and dicts, none in a
    cycle (reference counting frees them); the cyclic collector's passes over every live
    object (the facts, a server's heap) would cost a quarter of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def protect_report(
    facts: Facts, period: Period, kommune: str | None, threshold: int
) -> tuple[Figures, tuple[Shown, ...]]:
    """The figures of one report and its tables as the family's joint pattern shows them."""
    return protect_year(facts, period.grid()[0], threshold).report(period, kommune)


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
    shown = _protect(reports, hide, threshold, reports)
    lines = _lines(reports, shown, relations)
    touching: dict[Member, set[int]] = {member: set() for member in reports}
    for index, line in enumerate(lines):
        for member, _, _ in line.places:
            touching[member].add(index)
    todo: Iterable[int] = range(len(lines))
    while True:
        changed: set[Member] = set()
        values = {m: {table.key: table.values for table in tables} for m, tables in shown.items()}
        for index in todo:  # a line none of whose members changed still has no lone cell
            partner = _partner(lines[index], values)
            if partner is not None:
                member, key, cell = partner
                hide[member].setdefault(key, set()).add(cell)
                changed.add(member)
        if not changed:
            extra = _beside_fixed(reports, shown, lines, values)
            if not extra:
                return shown
            for member, key, cell in extra:
                hide[member].setdefault(key, set()).add(cell)
                changed.add(member)
        shown = {**shown, **_protect(reports, hide, threshold, changed)}
        todo = sorted(set().union(*(touching[member] for member in changed)))


def _protect(
    reports: Mapping[Member, Figures],
    hide: Mapping[Member, Mapping[str, set[Cell]]],
    threshold: int,
    members: Iterable[Member],
) -> dict[Member, tuple[Shown, ...]]:
    """The members' tables protected anew (the others' hidden cells did not change)."""
    return {
        member: protect_all(reports[member].tables, threshold, reports[member].links, hide[member])
        for member in members
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


Number = int | Fraction
"""A coefficient: whole, unless eliminating a sum divided by one that is not."""
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
    found = fixed(equations, values, small) & small
    sums_of: dict[Place, list[int]] = {place: [] for place in found}
    for index, equation in enumerate(equations):
        for _, place in equation:
            if place in sums_of:
                sums_of[place].append(index)
    chosen: set[Place] = set()
    for place in sorted(found, key=_order):
        beside = [
            (values[m][k][c], (m, k, c))
            for index in sums_of[place]
            for _, (m, k, c) in equations[index]
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
        published = {t.key: t.values for t in shown[member]}
        for table in figures.tables:
            if isinstance(table, CountTable):
                value = published[table.key]
                for line in sum_lines(table):
                    if all(value[cell] is not None for cell in line):
                        continue  # nothing hidden: the sum binds no unknown
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


def fixed(
    equations: Sequence[Sequence[tuple[int, Place]]],
    values: Values,
    wanted: Set[Place] | None = None,
) -> set[Place]:
    """The hidden cells whose value the equations fix, given the shown ones (of `wanted`,
    if given, at least those): exact elimination of every sum left with one or two hidden
    cells (`_Reduced`), then, per connected part of the rest that holds a wanted cell, a
    zero column in the null space of the hidden cells' coefficients."""
    reduced = _Reduced()
    for equation in equations:
        row: dict[Place, Number] = {}
        for sign, place in equation:
            if values[place[0]][place[1]][place[2]] is None:
                row[place] = row.get(place, 0) + sign
        reduced.add(row)
    rest = reduced.settle()
    parent: dict[Place, Place] = {}

    def root(place: Place) -> Place:
        while parent.setdefault(place, place) != place:
            parent[place] = parent[parent[place]]  # path halving: chains stay short
            place = parent[place]
        return place

    for row in rest:
        first, *others = row
        for place in others:
            parent[root(place)] = root(first)
    wanted_roots = None
    if wanted is not None:
        wanted_roots = {root(reduced.find(p)[0]) for p in wanted if p in reduced.alias}
    parts: dict[Place, list[dict[Place, Number]]] = {}
    for row in rest:
        parts.setdefault(root(next(iter(row))), []).append(row)
    known = set(reduced.known)
    for top, rows in parts.items():
        if wanted_roots is not None and top not in wanted_roots:
            continue
        unknown = sorted({place for row in rows for place in row}, key=_order)
        known |= _exact(rows) if len(unknown) <= EXACT_UP_TO else _numeric(rows, unknown)
    return {place for place in reduced.alias if reduced.find(place)[0] in known}


EXACT_UP_TO = 400
"""Cells of a part solved by exact rational elimination; a larger part by eigh (LAPACK's
threads cost more than they save on the small parts the reduction leaves)."""


def _exact(rows: Sequence[Mapping[Place, Number]]) -> set[Place]:
    """The cells the rows fix: exactly those with a row of their own (a unit row) in the
    rows' reduced echelon form."""
    pivots: dict[Place, dict[Place, Fraction]] = {}
    for given in rows:
        row = {place: Fraction(c) for place, c in given.items()}
        while hit := next((place for place in row if place in pivots), None):
            factor = row[hit]
            for place, c in pivots[hit].items():
                row[place] = row.get(place, Fraction(0)) - factor * c
            row = {place: c for place, c in row.items() if c != 0}
        if not row:
            continue
        lead = min(row, key=_order)
        row = {place: c / row[lead] for place, c in row.items()}
        for other in pivots.values():
            if lead in other:
                factor = other[lead]
                for place, c in row.items():
                    other[place] = other.get(place, Fraction(0)) - factor * c
                for place in [place for place, c in other.items() if c == 0]:
                    del other[place]
        pivots[lead] = row
    return {lead for lead, row in pivots.items() if len(row) == 1}


def _numeric(rows: Sequence[Mapping[Place, Number]], unknown: Sequence[Place]) -> set[Place]:
    """The cells whose column of the rows' null space is zero (eigh of AᵀA)."""
    column = {place: index for index, place in enumerate(unknown)}
    matrix = np.zeros((len(rows), len(unknown)))
    for index, row in enumerate(rows):
        for place, coefficient in row.items():
            matrix[index, column[place]] = float(coefficient)
    square = matrix.T @ matrix  # same null space, and eigh on it is faster than svd
    eigenvalues, vectors = np.linalg.eigh(square)
    null = vectors[:, eigenvalues < 1e-9 * max(1.0, float(eigenvalues[-1]))]
    return {p for p, i in column.items() if not null.size or abs(null[i]).max() < 1e-6}


class _Reduced:
    """Sums over hidden cells, reduced exactly: a sum with one hidden cell fixes it (it
    drops out of every other sum); one with two, `a·x + b·y = c`, makes y a function of x
    (y is fixed exactly when x is), so y is replaced by x everywhere. Either step keeps
    every other cell's being fixed as it was; what remains has three or more per sum."""

    def __init__(self) -> None:
        self.rows: list[dict[Place, Number]] = []
        self.alias: dict[Place, tuple[Place, Number]] = {}
        """Cell -> (the cell it is a function of, factor); a cell of its own maps to itself."""
        self.known: set[Place] = set()
        """Fixed cells among those that are nobody's alias."""

    def add(self, row: dict[Place, Number]) -> None:
        if not row:
            return  # every cell shown: binds no unknown
        for place in row:
            self.alias.setdefault(place, (place, 1))
        self.rows.append(row)

    def find(self, place: Place) -> tuple[Place, Number]:
        """The cell `place` is a function of, and the factor (path compressed)."""
        target, factor = self.alias[place]
        if target == place:
            return place, factor
        top, further = self.find(target)
        self.alias[place] = (top, factor * further)
        return top, factor * further

    def _normal(self, row: dict[Place, Number]) -> dict[Place, Number]:
        out: dict[Place, Number] = {}
        for place, coefficient in row.items():
            top, factor = self.find(place)
            if top not in self.known:
                out[top] = out.get(top, 0) + coefficient * factor
        return {place: c for place, c in out.items() if c != 0}

    def settle(self) -> list[dict[Place, Number]]:
        """Eliminate until no sum has fewer than three hidden cells; the rest, normalised."""
        rows = self.rows
        while True:
            changed = False
            kept: list[dict[Place, Number]] = []
            for row in rows:
                row = self._normal(row)
                if len(row) == 1:
                    self.known.add(next(iter(row)))
                    changed = True
                elif len(row) == 2:
                    (x, a), (y, b) = sorted(row.items(), key=lambda item: _order(item[0]))
                    self.alias[y] = (x, -a // b if a % b == 0 else -Fraction(a, b))
                    changed = True
                elif row:
                    kept.append(row)
            rows = kept
            if not changed:
                return rows
