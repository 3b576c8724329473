"""Pure rules of recorded changes: what changes, what is refused, which event says so."""

from __future__ import annotations

from datetime import date

import pytest

from kette_core.contracts.participants import ConsentScope
from kette_core.contracts.vocabulary import (
    Actor,
    ActorRole,
    Gender,
    LanguageLevel,
    ResidenceStatus,
)
from kette_intake.participants import change_rules as rules
from kette_intake.participants.change_schemas import (
    ConsentGrant,
    ConsentView,
    ConsentWithdrawal,
    PersonalChanges,
    ProfileChanges,
    ResidenceStatusChange,
)
from kette_intake.participants.schemas import PersonalData, Profile

pytestmark = pytest.mark.unit

TODAY = date(2026, 3, 4)
PERSON = "p-0f8fad5b-d9cb-469f-a165-70867728950e"
ACTOR = Actor(role=ActorRole.CASEWORKER, actor_id="cw-4b1d2c")
PROFILE = Profile.model_validate(
    {
        "gender": "female",
        "residence_status": "duldung",
        "residence_status_expires_on": "2026-09-30",
        "language_level": "A2",
        "school_certificate": "none",
        "current_activity": "none",
        "goal": {"target_stage": "apprenticeship"},
        "constraints": {"childcare_needed": True, "employment_ban": False},
    }
)
PERSONAL = PersonalData(
    given_name="Amina",
    family_name="Haddad",
    birth_date=date(2004, 7, 19),
    phone="+49 2307 555 0101",
    nationality="Syrian",
)


def consent(withdrawn_on: date | None = None) -> ConsentView:
    return ConsentView(
        consent_id="c-1",
        participant_id=PERSON,
        scope=ConsentScope.SHARE_WITH_PROVIDERS,
        given_on=date(2026, 3, 1),
        text_version="einwilligung-2026-01",
        recorded_by="cw-4b1d2c",
        withdrawn_on=withdrawn_on,
        withdrawn_by=None,
    )


def test_a_profile_change_keeps_only_the_sent_fields_that_differ() -> None:
    changes = ProfileChanges(language_level=LanguageLevel.B1, gender=Gender.FEMALE)

    assert rules.profile_diff(PROFILE, changes) == {"language_level": "B1"}


def test_a_profile_event_carries_the_contract_fields_and_none_for_intake_only_facts() -> None:
    event = rules.profile_event(PERSON, {"language_level": "B1", "gender": "male"}, ACTOR, TODAY)

    assert event is not None
    assert (event.language_level, event.updated_on) == (LanguageLevel.B1, TODAY)
    assert rules.profile_event(PERSON, {"gender": "male"}, ACTOR, TODAY) is None


def test_a_residence_change_in_the_future_or_expiring_before_it_starts_is_refused() -> None:
    change = ResidenceStatusChange(
        new_status=ResidenceStatus.AUFENTHALTSERLAUBNIS,
        changed_on=date(2026, 3, 10),
        expires_on=date(2026, 3, 9),
    )

    problems = rules.residence_problems(change, TODAY)

    assert [p.field for p in problems] == ["changed_on", "expires_on"]


def test_the_recorded_status_again_is_a_conflict_unless_removal_is_ordered() -> None:
    same = ResidenceStatusChange(
        new_status=ResidenceStatus.DULDUNG, expires_on=date(2026, 9, 30), changed_on=TODAY
    )
    removal = same.model_copy(update={"removal_ordered": True})

    assert [p.field for p in rules.residence_conflicts(PROFILE, same)] == ["new_status"]
    assert rules.residence_conflicts(PROFILE, removal) == []
    event = rules.residence_event(PERSON, PROFILE, removal, ACTOR)
    assert (event.previous_status, event.removal_ordered) == (ResidenceStatus.DULDUNG, True)


def test_a_personal_correction_names_changed_fields_and_refuses_removing_a_name() -> None:
    after, changed, problems = rules.personal_after(
        PERSONAL, PersonalChanges(phone=None, family_name="Haddad-Nour")
    )
    _, _, refused = rules.personal_after(
        PERSONAL, PersonalChanges(given_name=None, languages_spoken=None)
    )
    _, _, nothing = rules.personal_after(PERSONAL, PersonalChanges(family_name="Haddad"))

    assert problems == []
    assert (after.family_name, after.phone) == ("Haddad-Nour", None)
    assert changed == ["family_name", "phone"]
    assert [p.field for p in refused] == ["personal.given_name", "personal.languages_spoken"]
    assert [p.field for p in nothing] == ["personal"]


def test_a_second_consent_for_a_scope_in_force_is_a_conflict_but_not_after_withdrawal() -> None:
    grant = ConsentGrant(given_on=TODAY, text_version="einwilligung-2026-01")

    assert [p.field for p in rules.consent_conflicts([consent()], grant)] == ["scope"]
    assert rules.consent_conflicts([consent(withdrawn_on=TODAY)], grant) == []
    future = grant.model_copy(update={"given_on": date(2026, 3, 5)})
    assert [p.field for p in rules.consent_problems(future, TODAY)] == ["given_on"]


def test_a_withdrawal_needs_a_consent_in_force_and_a_day_after_it_was_given() -> None:
    early = ConsentWithdrawal(withdrawn_on=date(2026, 2, 28))

    assert [p.field for p in rules.withdrawal_problems(None, early, TODAY)] == ["scope"]
    assert [p.field for p in rules.withdrawal_problems(consent(), early, TODAY)] == ["withdrawn_on"]
    event = rules.consent_withdrawn(PERSON, consent(), ConsentWithdrawal(withdrawn_on=TODAY), ACTOR)
    assert (event.scope, event.withdrawn_on) == (ConsentScope.SHARE_WITH_PROVIDERS, TODAY)
