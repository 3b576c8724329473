"""Small cells never leave the KI, and no complementary cell gives them away."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kette_reporting.figures.suppression import TOTAL, protect
from kette_reporting.figures.tables import CountTable, MeasureTable

pytestmark = pytest.mark.unit


def table(cells: dict[tuple[str, str], int], rows: bool = True, cols: bool = True) -> CountTable:
    row_names = tuple(sorted({r for r, _ in cells}))
    col_names = tuple(sorted({c for _, c in cells}))
    return CountTable("t", "T", "r", row_names, col_names, cells, row_totals=rows, col_totals=cols)


def test_a_count_under_the_threshold_is_hidden_and_zero_and_larger_ones_are_shown() -> None:
    cells = {("a", "x"): 3, ("b", "x"): 0, ("c", "x"): 12}
    shown = protect(table(cells, rows=False, cols=False), 5)

    assert shown.value("a", "x") is None
    assert shown.value("b", "x") == 0
    assert shown.value("c", "x") == 12


def test_a_lone_hidden_cell_beside_a_total_gets_a_partner_so_it_cannot_be_subtracted() -> None:
    shown = protect(table({("a", "x"): 3, ("b", "x"): 40, ("c", "x"): 9}, rows=False), 5)

    assert shown.value("a", "x") is None
    assert shown.value("c", "x") is None  # the smallest non-zero other cell
    assert shown.value("b", "x") == 40
    assert shown.value(TOTAL, "x") == 52
    assert ("c", "x") in shown.secondary


def test_a_small_total_is_hidden_with_a_cell_of_its_line() -> None:
    shown = protect(table({("a", "x"): 2, ("b", "x"): 1}, rows=False), 5)

    assert shown.value(TOTAL, "x") is None
    assert shown.value("a", "x") is None and shown.value("b", "x") is None


def test_the_threshold_is_configurable() -> None:
    cells = {("a", "x"): 7, ("b", "x"): 30}

    assert protect(table(cells, rows=False), 5).value("a", "x") == 7
    assert protect(table(cells, rows=False), 10).value("a", "x") is None


def test_a_measure_is_hidden_when_too_few_people_stand_behind_it() -> None:
    measures = MeasureTable(
        "m", "M", "r", ("a", "b"), ("median",), {("a", "median"): 12.0, ("b", "median"): 30.0},
        {"a": 4, "b": 5},
    )  # fmt: skip

    shown = protect(measures, 5)

    assert shown.value("a", "median") is None
    assert shown.value("b", "median") == 30.0


def _recoverable(shown_values: dict[tuple[str, str], int | float | None], grid: CountTable) -> bool:
    """Whether some hidden cell is the only hidden member of a line whose sum is published."""
    rows = (*grid.rows, TOTAL)
    cols = (*grid.cols, TOTAL)
    lines = [[(r, c) for c in cols] for r in rows] + [[(r, c) for r in rows] for c in cols]
    return any(sum(shown_values.get(cell, 0) is None for cell in line) == 1 for line in lines)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 5),
    st.lists(st.integers(0, 30), min_size=20, max_size=20),
    st.integers(2, 10),
)
def test_no_hidden_cell_of_a_table_with_totals_can_be_derived_from_a_row_or_column(
    n_rows: int, n_cols: int, counts: list[int], threshold: int
) -> None:
    cells = {
        (f"r{r}", f"c{c}"): counts[i]
        for i, (r, c) in enumerate(itertools.product(range(n_rows), range(n_cols)))
    }
    grid = table(cells)

    shown = protect(grid, threshold)

    assert not _recoverable(dict(shown.values), grid)
    assert all(value is None or value == 0 or value >= threshold for value in shown.values.values())
