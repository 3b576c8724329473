"""The shapes every figure takes: counts in a grid, or measures with the count behind them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CountTable:
    """People or events counted per row and column.

    `row_totals` / `col_totals` say whether the rows' cells (or the columns' cells) add up
    to a published total: only then can a hidden cell be recomputed, and only then does
    suppression hide a second one.
    """

    key: str
    title: str
    row_header: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    cells: dict[tuple[str, str], int]
    row_totals: bool = False
    col_totals: bool = False

    def value(self, row: str, col: str) -> int:
        return self.cells.get((row, col), 0)


@dataclass(frozen=True)
class MeasureTable:
    """Durations or rates per row; each row's `n` (people behind it) decides if it is shown."""

    key: str
    title: str
    row_header: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    values: dict[tuple[str, str], float | None]
    n: dict[str, int] = field(default_factory=dict)


Table = CountTable | MeasureTable
