"""Query parameters shared by the API and the dashboard, parsed once with a clear refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kette_reporting.figures.period import Period


class BadQuery(ValueError):
    """A query parameter that cannot be read; names the field and the reason."""

    def __init__(self, field: str, reason: str, message_de: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.message_de = message_de


@dataclass(frozen=True)
class ReportQuery:
    """Which figures: a period, optionally one Kommune and an as-of date."""

    period: Period
    kommune: str | None
    as_of: date | None


def parse_query(period: str, kommune: str | None, as_of: str | None) -> ReportQuery:
    """Read the three parameters; a bad one raises BadQuery naming it."""
    try:
        parsed = Period.parse(period)
    except ValueError as error:
        raise BadQuery(
            "period",
            str(error),
            "Zeitraum unlesbar: bitte JJJJ, JJJJ-H1, JJJJ-Q1, JJJJ-MM oder "
            "JJJJ-MM-TT..JJJJ-MM-TT angeben.",
        ) from None
    try:
        parsed.grid()
    except ValueError as error:
        raise BadQuery(
            "period",
            str(error).removeprefix(f"period {parsed.code}: "),
            "Zeitraum: Berichte nur für ein Jahr, ein Halbjahr oder ein Quartal "
            "(JJJJ, JJJJ-H1, JJJJ-Q1), sonst ließen sich gesperrte Werte zurückrechnen.",
        ) from None
    day: date | None = None
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise BadQuery(
                "as_of", "expected a date YYYY-MM-DD", "Stichtag unlesbar: bitte JJJJ-MM-TT."
            ) from None
    name = (kommune or "").strip() or None
    if name is not None and len(name) > 80:
        raise BadQuery("kommune", "longer than 80 characters", "Kommune: höchstens 80 Zeichen.")
    return ReportQuery(parsed, name, day)
