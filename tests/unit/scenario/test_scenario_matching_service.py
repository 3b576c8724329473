"""With the matching service running, the scenario leaves referral requests to it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scenario_simulation import Simulation

from kette_core.contracts import chain as contract
from kette_devstack.scenario.cohort import ARCHETYPES, build_cohort
from kette_devstack.scenario.script import PlayRules, Publish, next_actions

pytestmark = pytest.mark.unit

START = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def a1_learner(rules: PlayRules) -> Simulation:
    cohort = build_cohort(len(ARCHETYPES), 4, START.date())
    member = next(m for m in cohort.members if m.persona.key == "a1_learner")
    return Simulation(member.registration, START, rules).run()


def test_the_stand_in_answers_nothing_when_the_service_answers_requests() -> None:
    run = a1_learner(PlayRules(answers_requests=False))

    requested = [e.payload for e in run.topic if isinstance(e.payload, contract.ReferralRequested)]
    assert len(requested) == 1
    assert run.view.answered_requests == set()
    assert not [a for a in run.done if isinstance(a, Publish) and a.channel == "matching"]
    assert next_actions(run.view, PlayRules(answers_requests=False)) == []


def test_by_default_the_stand_in_still_answers_each_request() -> None:
    run = a1_learner(PlayRules())

    assert [a for a in run.done if isinstance(a, Publish) and a.channel == "matching"]
