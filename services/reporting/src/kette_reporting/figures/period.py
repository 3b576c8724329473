"""A reporting period: whole days from `start` to `end`, both included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Period:
    """The days a report covers; parsed from the forms a coordinator types."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period: end lies before start")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def code(self) -> str:
        """`2025-01-01..2025-12-31`: stable, for file names and URLs."""
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label_de(self) -> str:
        """`01.01.2025 – 31.12.2025`."""
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    def months(self) -> list[date]:
        """First day of every month the period touches."""
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months

    def grid(self) -> tuple[Period, ...]:
        """The periods a report may cover whose figures add up to each other: the period's
        calendar year, its two halves and four quarters (in that order). Raises ValueError
        for a period not among them: its figures minus a grid period's would reveal cells
        the grid's joint suppression hid (see `joint`)."""
        year = self.start.year
        grid = (
            _months(year, 1, 12),
            *(_months(year, 6 * h - 5, 6 * h) for h in (1, 2)),
            *(_months(year, 3 * q - 2, 3 * q) for q in (1, 2, 3, 4)),
        )
        if self not in grid:
            raise ValueError(
                f"period {self.code}: reports leaving the KI cover a year, a half-year or a "
                "quarter (YYYY, YYYY-H1, YYYY-Q1); other periods would let suppressed small "
                "cells be recovered by subtraction"
            )
        return grid

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2025`, `2025-H1`, `2025-Q3`, `2025-04` or `2025-01-01..2025-06-30`."""
        text = text.strip()
        if match := re.fullmatch(r"(\d{4})", text):
            year = int(match[1])
            return cls(date(year, 1, 1), date(year, 12, 31))
        if match := re.fullmatch(r"(\d{4})-H([12])", text):
            year, half = int(match[1]), int(match[2])
            return _months(year, 6 * half - 5, 6 * half)
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, quarter = int(match[1]), int(match[2])
            return _months(year, 3 * quarter - 2, 3 * quarter)
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            return _months(int(match[1]), int(match[2]), int(match[2]))
        if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            return cls(date.fromisoformat(match[1]), date.fromisoformat(match[2]))
        raise ValueError(
            f"period {text[:40]!r}: expected YYYY, YYYY-H1, YYYY-Q1, YYYY-MM or "
            "YYYY-MM-DD..YYYY-MM-DD"
        )


def _months(year: int, first: int, last: int) -> Period:
    if not 1 <= first <= last <= 12:
        raise ValueError(f"period: month {last} does not exist")
    end = date(year + (last == 12), last % 12 + 1, 1) - timedelta(days=1)
    return Period(date(year, first, 1), end)
