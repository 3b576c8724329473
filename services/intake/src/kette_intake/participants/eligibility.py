"""Who may enrol: pure rules over the birth date, residence status, Kommune and programme."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from kette_core.contracts.vocabulary import AgeBand, ResidenceStatus
from kette_intake.participants.schemas import EligibilityAnswer, Finding

MIN_AGE = 18
MAX_AGE = 27
EXCEPTION_YEARS = 10  # the contract refuses an eligibility end more than ten years on


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def eligibility_ends_on(birth_date: date) -> date:
    """Last day of the month of the 27th birthday: the workflow's timer, not the birth date."""
    year = birth_date.year + MAX_AGE
    return date(year, birth_date.month, calendar.monthrange(year, birth_date.month)[1])


def age_band(age: int, exception: bool) -> AgeBand | None:
    """The only form in which age leaves intake; None when outside the programme's ages."""
    if age < MIN_AGE:
        return AgeBand.UNDER_18_EXCEPTION if exception else None
    if age <= 20:
        return AgeBand.AGE_18_20
    if age <= 23:
        return AgeBand.AGE_21_23
    return AgeBand.AGE_24_27 if age <= MAX_AGE else None


@dataclass(frozen=True)
class Rules:
    """The KI's Kommunen and the programme's eligible residence statuses (data, not code)."""

    ki_id: str
    kommunen: tuple[str, ...]
    programme_id: str
    eligible_statuses: tuple[ResidenceStatus, ...]


def check(
    rules: Rules,
    *,
    kommune: str,
    birth_date: date,
    residence_status: ResidenceStatus,
    age_exception: bool,
    today: date,
) -> EligibilityAnswer:
    """Every reason against enrolment, each naming its field; none means eligible."""
    findings = [
        *_kommune_findings(rules, kommune),
        *_age_findings(birth_date, age_exception, today),
        *_status_findings(rules, residence_status),
    ]
    age = age_on(birth_date, today)
    band = age_band(age, age_exception) if today <= eligibility_ends_on(birth_date) else None
    return EligibilityAnswer(
        eligible=not findings,
        age_band=band,
        eligibility_ends_on=eligibility_ends_on(birth_date) if band is not None else None,
        findings=findings,
    )


def _kommune_findings(rules: Rules, kommune: str) -> list[Finding]:
    if kommune in rules.kommunen:
        return []
    known = ", ".join(rules.kommunen)
    reason = f"{kommune!r} is not a Kommune of {rules.ki_id} (one of: {known})"
    return [Finding(field="kommune", reason=reason)]


def _age_findings(birth_date: date, exception: bool, today: date) -> list[Finding]:
    field = "personal.birth_date"
    if birth_date > today:
        return [Finding(field=field, reason="lies in the future")]
    age = age_on(birth_date, today)
    if today > eligibility_ends_on(birth_date):
        reason = (
            f"the person is {age} and past the month of their 27th birthday; the programme "
            "takes people aged 18 to 27 (an exception for older people is recorded on the "
            "running chain, not at registration)"
        )
        return [Finding(field=field, reason=reason)]
    if age >= MIN_AGE:
        return []
    if not exception:
        reason = (
            f"the person is {age}; the programme takes people aged 18 to 27 unless an "
            "exception is recorded (age_exception_reason)"
        )
        return [Finding(field=field, reason=reason)]
    if eligibility_ends_on(birth_date) > _years_after(today, EXCEPTION_YEARS):
        reason = (
            f"the person is {age}; an exception takes in people whose 27th birthday month "
            f"ends within {EXCEPTION_YEARS} years, so at most about a year under 18"
        )
        return [Finding(field=field, reason=reason)]
    return []


def _years_after(day: date, years: int) -> date:
    """The same day `years` on; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _status_findings(rules: Rules, status: ResidenceStatus) -> list[Finding]:
    if status in rules.eligible_statuses:
        return []
    eligible = ", ".join(rules.eligible_statuses)
    reason = f"{status} is not eligible for {rules.programme_id} (eligible: {eligible})"
    return [Finding(field="profile.residence_status", reason=reason)]
