"""A registration walks the whole chain on the real dev server and Kafka, published once each."""

from __future__ import annotations

from collections import Counter

import pytest
from chain_stack_support import ChainStack, expected_chain_ids, first_occurrences, member

from kette_core.contracts import chain as contract
from kette_core.contracts.vocabulary import Stage
from kette_devstack.scenario.script import PlayRules
from kette_workflows.api import ConfirmOffer, RecordFollowUp

pytestmark = pytest.mark.integration

ALL_STAGES = [Stage.LANGUAGE, Stage.SCHOOL, Stage.APPRENTICESHIP, Stage.JOB]


async def test_a_registered_learner_walks_all_four_stages_and_every_change_is_published_once(
    chain_stack: ChainStack,
) -> None:
    # A1 without a school certificate, aiming at an apprenticeship: language, school,
    # apprenticeship, job. The employer reports the job start as six months ago, so the
    # follow-up is due at once and the player records it: no waiting for months.
    learner = member("a1_learner")
    participant_id = learner.participant_id
    chain_stack.start_player(PlayRules(drop_out_rate=0.0, backdate_job_start=True))

    await chain_stack.register(learner.registration)
    await chain_stack.wait_for(
        lambda: (view := chain_stack.view(participant_id)) is not None and view.is_closed,
        "the chain to close",
    )
    assert (await chain_stack.state(participant_id)).status == "closed"
    timeline = await chain_stack.timeline(participant_id)
    expected = expected_chain_ids(f"chain-{participant_id}", timeline)
    await chain_stack.wait_for(
        lambda: len(chain_stack.chain.events_of(participant_id)) >= len(expected),
        "the recorder to read every chain event",
    )

    records = chain_stack.chain.events_of(participant_id)
    copies = Counter(record.ce_id for record in records)
    assert [ce_id for ce_id, count in copies.items() if count > 1] == []
    assert [record.ce_id for record in records] == expected
    payloads = [record.event.payload for record in records if record.event is not None]
    started = [p.stage for p in payloads if isinstance(p, contract.StageStarted)]
    completed = [p.stage for p in payloads if isinstance(p, contract.StageCompleted)]
    closed = [p for p in payloads if isinstance(p, contract.ChainClosed)]
    assert started == ALL_STAGES
    assert completed == ALL_STAGES
    assert [c.reason for c in closed] == [contract.ClosureReason.SUSTAINED_WORK]
    assert isinstance(payloads[0], contract.ChainStarted)
    assert first_occurrences(records) == expected


async def test_the_trained_person_goes_straight_to_work_and_closes_after_the_follow_up(
    chain_stack: ChainStack,
) -> None:
    # The trained person with a foreign qualification and B1 goes straight to work.
    trained = member("trained_worker")
    participant_id = trained.participant_id
    player = chain_stack.start_player(PlayRules(backdate_job_start=True))

    await chain_stack.register(trained.registration)
    await chain_stack.wait_for(
        lambda: (view := chain_stack.view(participant_id)) is not None and view.is_closed,
        "the chain to close",
    )
    # the closing events are on Kafka before the follow-up Update returns to the player
    await chain_stack.wait_for(
        lambda: player.stats[f"decisions.{RecordFollowUp.name}"] == 1,
        "the follow-up Update to return",
    )

    view = chain_stack.view(participant_id)
    assert view is not None
    assert view.completed == {Stage.JOB}
    assert view.active == set()
    plan = {stage: planned.status for stage, planned in view.plan.items()}
    assert plan[Stage.JOB] == contract.PlannedStageStatus.PLANNED
    assert plan[Stage.LANGUAGE] == contract.PlannedStageStatus.MET_AT_ENTRY
    assert player.stats["published.matching"] == 1
    assert player.stats["published.provider"] == 2  # accepted, enrolled (the job start)
    assert player.stats[f"decisions.{ConfirmOffer.name}"] == 1
    assert player.stats[f"decisions.{RecordFollowUp.name}"] == 1
    assert player.stats["decisions.rejected"] == 0
