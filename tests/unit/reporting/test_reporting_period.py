"""Periods as coordinators type them."""

from __future__ import annotations

from datetime import date

import pytest

from kette_reporting.figures.period import Period

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-H2", date(2025, 7, 1), date(2025, 12, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-03-05..2025-04-01", date(2025, 3, 5), date(2025, 4, 1)),
    ],
)
def test_a_period_parses_from_year_half_quarter_month_or_range(
    text: str, start: date, end: date
) -> None:
    assert Period.parse(text) == Period(start, end)


@pytest.mark.parametrize("text", ["25", "2025-Q5", "2025-13", "2025-02-01..2025-01-01"])
def test_a_period_that_is_no_period_is_refused_naming_the_forms(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Period.parse(text)
