"""The gap report counts each kind of gap per month, Kommune and module."""

from __future__ import annotations

from datetime import date

import pytest

from kette_core.contracts.matching import GapReason
from kette_matching.gaps.report import UnmetNeed, gap_lines, gaps_csv, gaps_svg

pytestmark = pytest.mark.unit

NO_PLACES, FAR = GapReason.NO_FREE_PLACES, GapReason.NO_OFFER_IN_KOMMUNE


def unmet(day: date, kommune: str, module: str, *reasons: GapReason) -> UnmetNeed:
    return UnmetNeed(requested_on=day, kommune=kommune, module=module, gap_reasons=reasons)


NEEDS = [
    unmet(date(2026, 3, 2), "Selm", "F3", NO_PLACES, FAR),
    unmet(date(2026, 3, 20), "Selm", "F3", NO_PLACES),
    unmet(date(2026, 3, 21), "Werne", "F4", FAR),
    unmet(date(2026, 4, 1), "Selm", "F3", NO_PLACES),
]


def test_each_kind_of_gap_is_counted_per_month_kommune_and_module() -> None:
    lines = gap_lines(NEEDS)

    assert [(g.month, g.kommune, g.module, g.gap_reason, g.requests) for g in lines] == [
        ("2026-03", "Selm", "F3", NO_PLACES, 2),
        ("2026-03", "Selm", "F3", FAR, 1),
        ("2026-03", "Werne", "F4", FAR, 1),
        ("2026-04", "Selm", "F3", NO_PLACES, 1),
    ]


def test_the_csv_has_german_headers_and_reasons_separated_by_semicolons() -> None:
    text = gaps_csv(gap_lines(NEEDS[:1]))

    assert text.splitlines() == [
        "Monat;Kommune;Baustein;Lücke;Anfragen",
        "2026-03;Selm;F3;keine freien Plätze;1",
        "2026-03;Selm;F3;kein Angebot in erreichbarer Nähe;1",
    ]


def test_the_chart_draws_the_largest_gap_longest_and_names_it() -> None:
    svg = gaps_svg(gap_lines(NEEDS), "Angebotslücken 2026")

    assert svg.startswith("<svg") and 'role="img"' in svg
    assert svg.index("Selm, F3") < svg.index("Werne, F4")
    assert 'width="360"' in svg  # Selm, F3 with 4 is the longest bar
    assert "Selm, F3: 4 Anfragen ohne Angebot" in svg


def test_an_empty_period_says_so_instead_of_drawing_nothing() -> None:
    assert "Keine Lücken im Zeitraum." in gaps_svg([], "Angebotslücken")
