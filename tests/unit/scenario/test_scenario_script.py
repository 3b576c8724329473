"""The player's script walks every cohort profile through the pure chain to its end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scenario_simulation import Simulation

from kette_core.contracts import chain as contract
from kette_core.contracts.referrals import ParticipantDroppedOut, ParticipantEnrolled
from kette_core.contracts.vocabulary import Stage
from kette_devstack.scenario.chain_view import ChainView
from kette_devstack.scenario.cohort import ARCHETYPES, build_cohort
from kette_devstack.scenario.script import (
    Decide,
    PlayRules,
    Publish,
    _finish_stages_running_at_entry,
    next_actions,
)
from kette_workflows.api import RecordOutcome

pytestmark = pytest.mark.unit

START = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
ALL_STAGES = {Stage.LANGUAGE, Stage.SCHOOL, Stage.APPRENTICESHIP, Stage.JOB}


def simulate(persona_key: str, rules: PlayRules | None = None, seed: int = 4) -> Simulation:
    cohort = build_cohort(len(ARCHETYPES), seed, START.date())
    member = next(m for m in cohort.members if m.persona.key == persona_key)
    return Simulation(member.registration, START, rules or PlayRules()).run()


@pytest.mark.parametrize("drop_out_rate", [0.0, 0.5])
def test_every_chain_of_a_cohort_ends_without_a_rejected_decision(drop_out_rate: float) -> None:
    cohort = build_cohort(30, seed=17, registered_on=START.date())

    endings = {}
    for member in cohort.members:
        run = Simulation(member.registration, START, PlayRules(drop_out_rate=drop_out_rate)).run()
        assert run.rejected == [], member.persona.key
        assert run.view.closed is not None, member.persona.key
        endings[member.persona.key] = run.view.closed.reason

    assert endings["trained_worker"] == contract.ClosureReason.SUSTAINED_WORK
    assert endings["mother_childcare"] == contract.ClosureReason.GOAL_REACHED


def test_the_a1_learner_walks_language_school_apprenticeship_and_job() -> None:
    run = simulate("a1_learner")

    assert run.view.completed == ALL_STAGES
    assert run.view.closed is not None
    assert run.view.closed.reason == contract.ClosureReason.SUSTAINED_WORK


def test_the_trained_person_goes_straight_to_work() -> None:
    run = simulate("trained_worker")

    assert run.view.completed == {Stage.JOB}
    assert [r.confirmed.stage for r in run.view.referrals.values()] == [Stage.JOB]


def test_an_apprenticeship_held_at_entry_ends_once_the_language_support_alongside_is_done() -> None:
    run = simulate("apprentice")

    decisions = [a for a in run.done if isinstance(a, Decide)]
    finishing = [a for a in decisions if a.key.startswith("finish:")]
    assert [a.decision.stage for a in finishing] == [Stage.APPRENTICESHIP]  # type: ignore[attr-defined]
    assert {Stage.LANGUAGE, Stage.APPRENTICESHIP, Stage.JOB} <= run.view.completed


def test_an_apprenticeship_held_at_entry_ends_when_the_language_support_was_skipped() -> None:
    plan = simulate("apprentice").view.plan
    view = ChainView(participant_id="p-0000000a-0000", plan=plan, skipped={Stage.LANGUAGE})

    actions = _finish_stages_running_at_entry(view, "cw-0000000a")

    decisions = [a.decision for a in actions if isinstance(a, Decide)]
    assert len(actions) == len(decisions) == 1
    assert isinstance(decisions[0], RecordOutcome) and decisions[0].stage == Stage.APPRENTICESHIP


def test_a_drop_out_is_followed_by_the_next_proposal() -> None:
    rules = PlayRules(drop_out_rate=1.0)
    run = simulate("a1_learner", rules)

    language = run.view.referrals_for(Stage.LANGUAGE)
    dropped = [
        a
        for a in run.done
        if isinstance(a, Publish) and isinstance(a.payload, ParticipantDroppedOut)
    ]
    assert len(language) == 2
    assert language[0].confirmed.offer_id != language[1].confirmed.offer_id
    assert len(dropped) == 3  # language, school, apprenticeship; never the job
    assert run.view.closed is not None


def test_the_job_start_is_reported_far_enough_back_that_the_follow_up_is_due() -> None:
    run = simulate("eu_citizen", PlayRules(backdate_job_start=True))

    enrolled = [
        a.payload
        for a in run.done
        if isinstance(a, Publish) and isinstance(a.payload, ParticipantEnrolled)
    ]
    assert len(enrolled) == 1
    assert enrolled[0].occurred_on < START.date() - timedelta(days=180)
    assert run.view.closed is not None


def test_without_the_time_lapse_a_job_waits_for_its_follow_up() -> None:
    run = simulate("eu_citizen", PlayRules(backdate_job_start=False))

    assert run.view.job_started is not None
    assert run.view.closed is None
    assert next_actions(run.view, run.rules) == []


@pytest.mark.parametrize("steps", [3, 12, 20])
def test_a_restarted_player_reading_the_topic_again_does_the_same_next_steps(steps: int) -> None:
    cohort = build_cohort(len(ARCHETYPES), 4, START.date())
    learner = next(m for m in cohort.members if m.persona.key == "a1_learner")
    run = Simulation(learner.registration, START, PlayRules(drop_out_rate=0.5))
    for _ in range(steps):
        run.step()

    restarted = ChainView(run.view.participant_id)
    for event in run.topic:
        restarted.apply(event)

    assert next_actions(restarted, run.rules) != []
    assert next_actions(restarted, run.rules) == next_actions(run.view, run.rules)


def test_a_redelivered_chain_event_changes_nothing() -> None:
    run = Simulation(build_cohort(1, 2, START.date()).members[0].registration, START)
    before = (set(run.view.requests), run.view.redelivered)
    event_ids = set(run.view.event_ids)

    run.publish(run.chain.timeline())  # every event again, same ids

    assert run.view.event_ids == event_ids
    assert set(run.view.requests) == before[0]
    assert run.view.redelivered == len(event_ids)
