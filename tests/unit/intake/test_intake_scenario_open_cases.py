"""The demo's open cases: people intake takes as they are (valid, eligible, distinct keys), the
same for the same seed and day, so a re-run registers nobody twice."""

from __future__ import annotations

from datetime import date

import pytest

from kette_core.contracts.vocabulary import ResidenceStatus
from kette_devstack.scenario.enrolment import OPEN_CASE_KOMMUNEN, open_cases
from kette_intake.participants.eligibility import Rules, check
from kette_intake.participants.schemas import Registration
from kette_intake.settings import KREIS_UNNA
from kette_workflows.programmes import load_programme

pytestmark = pytest.mark.unit

PROGRAMME = load_programme("durchstarten")
RULES = Rules(
    ki_id="ki-kreis-unna",
    kommunen=KREIS_UNNA,
    programme_id=PROGRAMME.programme_id,
    eligible_statuses=tuple(ResidenceStatus(s) for s in PROGRAMME.eligible_residence_statuses),
)


@pytest.mark.parametrize("today", [date(2026, 12, 1), date(2028, 2, 29)])
def test_each_open_case_is_an_eligible_registration_intake_accepts(today: date) -> None:
    cases = open_cases(seed=4711, today=today)

    assert [case.kommune for case in cases] == list(OPEN_CASE_KOMMUNEN)
    assert len({case.idempotency_key for case in cases}) == len(cases)
    for case in cases:
        registration = Registration.model_validate(case.body)
        answer = check(
            RULES,
            kommune=registration.kommune,
            birth_date=registration.personal.birth_date,
            residence_status=registration.profile.residence_status,
            age_exception=False,
            today=today,
        )
        assert answer.findings == [], case.kommune
        assert registration.consent_to_share


def test_the_same_seed_and_day_give_the_same_people_and_keys() -> None:
    day = date(2026, 12, 1)

    assert open_cases(7, day) == open_cases(7, day)
    assert open_cases(7, day) != open_cases(8, day)
