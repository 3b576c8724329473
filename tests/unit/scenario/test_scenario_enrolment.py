"""The cohort as intake registers it: eligible, and giving the chain the same facts as before."""

from __future__ import annotations

from datetime import date

import pytest

from kette_devstack.scenario.cohort import build_cohort
from kette_devstack.scenario.enrolment import intake_registration
from kette_intake.participants import eligibility
from kette_intake.participants.schemas import Registration
from kette_intake.settings import KREIS_UNNA
from kette_workflows.programmes import load_programme

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 30)
PROGRAMME = load_programme("durchstarten")
RULES = eligibility.Rules(
    ki_id="ki-kreis-unna",
    kommunen=KREIS_UNNA,
    programme_id=PROGRAMME.programme_id,
    eligible_statuses=tuple(PROGRAMME.eligible_residence_statuses),
)


@pytest.mark.parametrize("seed", [1, 7, 21])
def test_every_member_is_eligible_in_intake_with_the_cohorts_band_and_eligibility_end(
    seed: int,
) -> None:
    for member in build_cohort(30, seed, TODAY).members:
        body = Registration.model_validate(intake_registration(member))

        verdict = eligibility.check(
            RULES,
            kommune=body.kommune,
            birth_date=body.personal.birth_date,
            residence_status=body.profile.residence_status,
            age_exception=False,
            today=TODAY,
        )

        assert verdict.findings == [], member.persona.key
        assert verdict.age_band == member.registration.age_band, member.persona.key
        assert verdict.eligibility_ends_on == member.registration.eligibility_ends_on


def test_the_same_member_always_gets_the_same_person_and_different_members_different_ones() -> None:
    first = [intake_registration(m) for m in build_cohort(12, 5, TODAY).members]
    again = [intake_registration(m) for m in build_cohort(12, 5, TODAY).members]

    assert first == again
    people = {
        (b["personal"]["given_name"], b["personal"]["family_name"], b["personal"]["birth_date"])
        for b in first
    }
    assert len(people) == 12
