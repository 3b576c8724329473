"""The demo cohort: Kreis Unna, the profiles of DOMAIN.md, deterministic, pseudonymous."""

from __future__ import annotations

import calendar
from datetime import date

import pytest

from kette_core.contracts.vocabulary import (
    Activity,
    LanguageLevel,
    ResidenceStatus,
    Stage,
    VocationalQualification,
)
from kette_devstack.scenario.catalogue import KREIS_UNNA_TOWNS
from kette_devstack.scenario.cohort import ARCHETYPES, build_cohort

pytestmark = pytest.mark.unit

TODAY = date(2025, 3, 14)


def test_the_same_seed_gives_the_same_cohort_and_another_seed_other_people() -> None:
    first = build_cohort(25, seed=11, registered_on=TODAY)
    again = build_cohort(25, seed=11, registered_on=TODAY)
    other = build_cohort(25, seed=12, registered_on=TODAY)

    assert [m.registration for m in first.members] == [m.registration for m in again.members]
    assert set(first.participant_ids()).isdisjoint(other.participant_ids())
    assert len(set(first.participant_ids())) == 25


def test_a_cohort_starts_with_every_archetype_then_adds_learners() -> None:
    cohort = build_cohort(len(ARCHETYPES) + 5, seed=3, registered_on=TODAY)

    keys = [member.persona.key for member in cohort.members]
    assert keys[: len(ARCHETYPES)] == [persona.key for persona in ARCHETYPES]
    assert set(keys[len(ARCHETYPES) :]) == {"learner"}
    assert {m.registration.kommune for m in cohort.members} <= set(KREIS_UNNA_TOWNS)


def test_the_trained_person_has_a_foreign_qualification_and_b1_and_aims_at_work() -> None:
    trained = build_cohort(1, seed=5, registered_on=TODAY).members[0].registration

    assert trained.vocational_qualification == VocationalQualification.FOREIGN
    assert trained.language_level == LanguageLevel.B1
    assert trained.goal.target_stage == Stage.JOB


def test_the_cohort_covers_the_profiles_the_domain_names() -> None:
    registrations = {
        m.persona.key: m.registration for m in build_cohort(len(ARCHETYPES), 9, TODAY).members
    }

    assert registrations["a1_learner"].language_level == LanguageLevel.A1
    assert registrations["apprentice"].current_activity == Activity.APPRENTICESHIP
    assert registrations["mother_childcare"].constraints.childcare_needed
    assert registrations["gestattung"].residence_status == ResidenceStatus.AUFENTHALTSGESTATTUNG
    assert registrations["employment_ban"].constraints.employment_ban
    assert (registrations["turning_27"].eligibility_ends_on - TODAY).days < 100


def test_eligibility_ends_on_the_last_day_of_a_month_and_carries_no_birth_date() -> None:
    for member in build_cohort(40, seed=21, registered_on=TODAY).members:
        ends = member.registration.eligibility_ends_on
        assert ends.day == calendar.monthrange(ends.year, ends.month)[1]
        assert ends > TODAY
        dumped = member.registration.model_dump(mode="json")
        assert not any("birth" in name for name in dumped)
        assert member.participant_id.startswith("p-")
        assert dumped["registered_by"]["actor_id"].startswith("cw-")


def test_a_cohort_needs_someone_in_it() -> None:
    with pytest.raises(ValueError, match="at least one"):
        build_cohort(0, seed=1, registered_on=TODAY)
