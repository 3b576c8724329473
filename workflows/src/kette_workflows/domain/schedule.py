"""Rough dates for planned stages, so the plan can warn about the end of eligibility at 27."""

from __future__ import annotations

import calendar
from datetime import date

from kette_core.contracts.vocabulary import LANGUAGE_ORDER, LanguageLevel, language_rank


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def language_months(
    current: LanguageLevel, target: LanguageLevel | None, months_to_reach: dict[LanguageLevel, int]
) -> int:
    """Months of courses from the current level to the target, level by level."""
    if target is None:
        return 0
    steps = LANGUAGE_ORDER[language_rank(current) + 1 : language_rank(target) + 1]
    return sum(months_to_reach[level] for level in steps)
