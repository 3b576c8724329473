"""What the bridge asks of the chain for intake's profile updates and erasures."""

from __future__ import annotations

from datetime import date

import pytest

from kette_core.contracts.participants import ErasureGround, ParticipantErased, ProfileUpdated
from kette_core.contracts.vocabulary import (
    Activity,
    Actor,
    ActorRole,
    Goal,
    LanguageLevel,
    Stage,
)
from kette_workflows.api import ChangeGoal, CloseCase, CloseReason, UpdateProfile
from kette_workflows.temporal.bridge import close_for, decisions_for

pytestmark = pytest.mark.unit

PERSON = "p-0f8fad5b-d9cb-469f-a165-70867728950e"
CASEWORKER = Actor(role=ActorRole.CASEWORKER, actor_id="cw-4b1d2c")


def update(**facts: object) -> ProfileUpdated:
    return ProfileUpdated.model_validate(
        {"participant_id": PERSON, "updated_on": "2026-03-04", "updated_by": CASEWORKER, **facts}
    )


def test_new_planning_facts_become_one_update_profile_by_the_recording_caseworker() -> None:
    decisions = decisions_for(update(language_level=LanguageLevel.B1))

    assert decisions == [UpdateProfile(caseworker_id="cw-4b1d2c", language_level=LanguageLevel.B1)]


def test_a_new_goal_becomes_a_change_goal_beside_the_facts() -> None:
    goal = Goal(target_stage=Stage.JOB)

    decisions = decisions_for(update(language_level=LanguageLevel.B1, goal=goal))

    assert [type(d) for d in decisions] == [UpdateProfile, ChangeGoal]
    assert decisions[1] == ChangeGoal(caseworker_id="cw-4b1d2c", goal=goal)


def test_facts_the_chain_does_not_plan_with_ask_nothing_of_it() -> None:
    assert decisions_for(update(current_activity=Activity.LANGUAGE_COURSE)) == []


def test_an_erasure_closes_the_case_as_a_withdrawal_by_whoever_erased() -> None:
    erased = ParticipantErased(
        participant_id=PERSON,
        erased_on=date(2026, 3, 4),
        ground=ErasureGround.DATA_SUBJECT_REQUEST,
        erased_by=CASEWORKER,
    )

    assert close_for(erased) == CloseCase(caseworker_id="cw-4b1d2c", reason=CloseReason.WITHDREW)
