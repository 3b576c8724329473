"""Eligibility rules: ages, the month of the 27th birthday, residence status, Kommune."""

from __future__ import annotations

from datetime import date

import pytest

from kette_core.contracts.vocabulary import AgeBand, ResidenceStatus
from kette_intake.participants.eligibility import Rules, age_band, check, eligibility_ends_on

pytestmark = pytest.mark.unit

RULES = Rules(
    ki_id="ki-kreis-unna",
    kommunen=("Kamen", "Unna"),
    programme_id="durchstarten",
    eligible_statuses=(ResidenceStatus.DULDUNG, ResidenceStatus.AUFENTHALTSGESTATTUNG),
)
TODAY = date(2026, 3, 4)


def verdict(birth_date: date, exception: bool = False, **changes: object) -> list[str]:
    arguments: dict[str, object] = {
        "kommune": "Kamen",
        "birth_date": birth_date,
        "residence_status": ResidenceStatus.DULDUNG,
        "age_exception": exception,
        "today": TODAY,
        **changes,
    }
    answer = check(RULES, **arguments)  # type: ignore[arg-type]
    assert answer.eligible == (not answer.findings)
    return [finding.field for finding in answer.findings]


@pytest.mark.parametrize(
    ("birth_date", "ends_on"),
    [
        (date(2004, 7, 19), date(2031, 7, 31)),
        (date(2004, 2, 29), date(2031, 2, 28)),
        (date(2000, 12, 1), date(2027, 12, 31)),
    ],
)
def test_eligibility_ends_on_the_last_day_of_the_month_of_the_27th_birthday(
    birth_date: date, ends_on: date
) -> None:
    assert eligibility_ends_on(birth_date) == ends_on


def test_a_person_is_eligible_through_the_month_of_their_27th_birthday() -> None:
    assert verdict(date(1999, 3, 1)) == []  # 27 since 1 March, eligible until 31 March
    assert verdict(date(1999, 2, 28)) == ["personal.birth_date"]  # that month is over


def test_under_18_needs_a_recorded_exception_and_at_most_ten_years_to_27() -> None:
    seventeen = date(2008, 12, 1)
    assert verdict(seventeen) == ["personal.birth_date"]
    assert verdict(seventeen, exception=True) == []
    assert verdict(date(2009, 3, 2), exception=True) == ["personal.birth_date"]  # 27 in 10y+
    assert verdict(date(2010, 1, 5), exception=True) == ["personal.birth_date"]  # 16
    assert verdict(date(2026, 5, 1), exception=True) == ["personal.birth_date"]  # unborn


def test_residence_status_and_kommune_are_checked_with_the_other_reasons() -> None:
    findings = verdict(
        date(1990, 1, 1),
        kommune="Dortmund",
        residence_status=ResidenceStatus.AUFENTHALTSERLAUBNIS,
    )
    assert findings == ["kommune", "personal.birth_date", "profile.residence_status"]


@pytest.mark.parametrize(
    ("age", "exception", "band"),
    [
        (17, True, AgeBand.UNDER_18_EXCEPTION),
        (17, False, None),
        (18, False, AgeBand.AGE_18_20),
        (21, False, AgeBand.AGE_21_23),
        (27, False, AgeBand.AGE_24_27),
        (28, False, None),
    ],
)
def test_age_leaves_intake_only_as_a_band(age: int, exception: bool, band: AgeBand | None) -> None:
    assert age_band(age, exception) == band
