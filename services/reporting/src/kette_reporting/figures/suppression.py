"""Small-cell suppression: no count from 1 to threshold-1 leaves the KI, nor can it be derived.

Primary: such a cell (or total) is hidden. Secondary: a row or column whose cells add up to
a published total must not have exactly one hidden member, or subtraction reveals it; the
smallest other non-zero cell of that line is hidden too, until no line has a lone hidden
member. Zeros reveal no person and are shown. Measures (a median, a rate) are hidden when
fewer than `threshold` people stand behind them.

Across tables (`protect_all`): one figure is often published in several tables (the
entries of the period are the funnel's "Aufgenommen" and the total of every breakdown of
entrants). A cell hidden in one table but shown in another would hand back what the first
table's pattern relied on being unknown, so a linked cell hidden anywhere is hidden
everywhere, and each table's secondary suppression runs again, until nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from kette_reporting.figures.tables import CountTable, MeasureTable, Table

TOTAL = "Summe"
Cell = tuple[str, str]
Link = frozenset[tuple[str, str, str]]
"""Cells (table key, row, column) that publish one and the same figure."""


@dataclass(frozen=True)
class Shown:
    """A table as it leaves the KI: rows and columns (totals included) and their values."""

    key: str
    title: str
    row_header: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    values: dict[Cell, int | float | None]
    """None: hidden (suppressed or not computable)."""
    primary: frozenset[Cell] = frozenset()
    secondary: frozenset[Cell] = frozenset()

    def value(self, row: str, col: str) -> int | float | None:
        return self.values.get((row, col))


def protect(table: Table, threshold: int, also: frozenset[Cell] = frozenset()) -> Shown:
    """The table with totals added and small cells hidden; `also`: cells to hide besides
    (a figure hidden in another table), protected like the small ones."""
    if isinstance(table, MeasureTable):
        return _protect_measures(table, threshold, also)
    return _protect_counts(table, threshold, also)


def protect_all(
    tables: Sequence[Table],
    threshold: int,
    links: Iterable[Link] = (),
    hide: Mapping[str, Iterable[Cell]] | None = None,
) -> tuple[Shown, ...]:
    """Every table protected, and no linked figure shown in one table but hidden in another;
    `hide`: cells per table key to hide besides (hidden in another report, see `joint`)."""
    links = tuple(links)
    forced: dict[str, set[Cell]] = {key: set(cells) for key, cells in (hide or {}).items()}
    while True:
        shown = tuple(
            protect(table, threshold, frozenset(forced.get(table.key, ()))) for table in tables
        )
        by_key = {table.key: table for table in shown}
        grew = False
        for link in links:
            members = [
                (key, (row, col))
                for key, row, col in sorted(link)
                if key in by_key and (row, col) in by_key[key].values
            ]
            if not any(by_key[key].values[cell] is None for key, cell in members):
                continue
            for key, cell in members:
                if by_key[key].values[cell] is not None:
                    forced.setdefault(key, set()).add(cell)
                    grew = True
        if not grew:
            return shown


def _protect_measures(table: MeasureTable, threshold: int, also: frozenset[Cell]) -> Shown:
    values: dict[Cell, int | float | None] = {}
    hidden = set()
    for row in table.rows:
        enough = table.n.get(row, 0) >= threshold
        for col in table.cols:
            value = table.values.get((row, col))
            values[row, col] = value if enough else None
            if not enough and value is not None:
                hidden.add((row, col))
    forced = {cell for cell in also if values.get(cell) is not None}
    for cell in forced:
        values[cell] = None
    return Shown(
        table.key,
        table.title,
        table.row_header,
        table.rows,
        table.cols,
        values,
        frozenset(hidden),
        frozenset(forced),
    )


def _protect_counts(table: CountTable, threshold: int, also: frozenset[Cell]) -> Shown:
    rows = table.rows + ((TOTAL,) if table.col_totals else ())
    cols = table.cols + ((TOTAL,) if table.row_totals else ())
    grid = _with_totals(table)
    primary = {cell for cell, value in grid.items() if 0 < value < threshold}
    hidden = primary | (also & grid.keys())
    lines = sum_lines(table)
    changed = True
    while changed:
        changed = False
        for line in lines:
            lone = [cell for cell in line if cell in hidden]
            if len(lone) != 1:
                continue
            partner = _partner(line, hidden, grid)
            if partner is not None:
                hidden.add(partner)
                changed = True
    values: dict[Cell, int | float | None] = {
        cell: (None if cell in hidden else value) for cell, value in grid.items()
    }
    return Shown(
        table.key,
        table.title,
        table.row_header,
        rows,
        cols,
        values,
        frozenset(primary),
        frozenset(hidden - primary),
    )


def _with_totals(table: CountTable) -> dict[Cell, int]:
    grid = {(row, col): table.value(row, col) for row in table.rows for col in table.cols}
    if table.row_totals:
        for row in table.rows:
            grid[row, TOTAL] = sum(table.value(row, col) for col in table.cols)
    if table.col_totals:
        for col in table.cols:
            grid[TOTAL, col] = sum(table.value(row, col) for row in table.rows)
    if table.row_totals and table.col_totals:
        grid[TOTAL, TOTAL] = sum(table.cells.get((r, c), 0) for r in table.rows for c in table.cols)
    return grid


def sum_lines(table: CountTable) -> list[tuple[Cell, ...]]:
    """Every set of cells bound by one sum: a row with its total, a column with its total
    (the total last)."""
    return list(_sum_lines(table.rows, table.cols, table.row_totals, table.col_totals))


@cache
def _sum_lines(
    rows: tuple[str, ...], cols: tuple[str, ...], row_totals: bool, col_totals: bool
) -> tuple[tuple[Cell, ...], ...]:
    """A shape's lines, made once (a family protects thousands of tables of few shapes)."""
    rows = rows + ((TOTAL,) if col_totals else ())
    cols = cols + ((TOTAL,) if row_totals else ())
    lines: list[tuple[Cell, ...]] = []
    if row_totals:
        lines += [tuple((row, col) for col in cols) for row in rows]
    if col_totals:
        lines += [tuple((row, col) for row in rows) for col in cols]
    return tuple(lines)


def _partner(line: tuple[Cell, ...], hidden: set[Cell], grid: dict[Cell, int]) -> Cell | None:
    """The cell to hide beside a lone hidden one: the smallest non-zero inner cell, else
    the line's total, else a zero (so the hidden one is at least not alone)."""
    shown = [cell for cell in line if cell not in hidden]
    inner = [cell for cell in shown if TOTAL not in cell and grid[cell] > 0]
    if inner:
        return min(inner, key=lambda cell: (grid[cell], cell))
    totals = [cell for cell in shown if TOTAL in cell and grid[cell] > 0]
    if totals:
        return totals[0]
    return min(shown, key=lambda cell: (grid[cell], cell)) if shown else None
