"""The chain worker is SIGKILLed in the middle of a stage and restarted: nothing lost or doubled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from chain_stack_support import (
    ChainStack,
    TopicRecorder,
    expected_chain_ids,
    first_occurrences,
    member,
)

from kette_core.contracts import chain as contract
from kette_core.contracts.referrals import AttendanceReported
from kette_core.contracts.vocabulary import Stage
from kette_core.ids import stable_event_id
from kette_devstack.scenario.chain_view import ChainView
from kette_devstack.scenario.script import PlayRules

pytestmark = pytest.mark.integration


def in_course(view: ChainView | None, stage: Stage) -> bool:
    """The provider reported the person enrolled in a course of the stage."""
    if view is None:
        return False
    return any(
        contract.Outcome.ENROLLED in referral.outcomes for referral in view.referrals_for(stage)
    )


async def test_a_worker_killed_mid_stage_restarts_and_the_chain_goes_on_without_loss_or_doubles(
    chain_stack: ChainStack, record_property: Callable[[str, object], None]
) -> None:
    learner = member("a1_learner")
    participant_id = learner.participant_id
    player = chain_stack.start_player(PlayRules(drop_out_rate=0.0), pace_seconds=0.2)
    await chain_stack.register(learner.registration)
    await chain_stack.wait_for(
        lambda: in_course(chain_stack.view(participant_id), Stage.SCHOOL),
        "the school course to start",
    )

    player.pause()  # hold the next report until the worker is gone
    await chain_stack.worker.kill()
    school = chain_stack.view(participant_id).referrals_for(Stage.SCHOOL)[0]  # type: ignore[union-attr]
    attendance_id = stable_event_id(AttendanceReported.event_type, school.referral_id, "2")
    reports = TopicRecorder(
        chain_stack.settings.kafka_bootstrap, chain_stack.settings.provider_status_topic
    )
    await reports.start()
    player.resume()
    try:
        await chain_stack.wait_for(
            lambda: attendance_id in {r.ce_id for r in reports.records},
            "the attendance report, sent while the worker is down",
        )
    finally:
        await reports.stop()
    await chain_stack.start_worker()
    await chain_stack.wait_for(
        lambda: (view := chain_stack.view(participant_id)) is not None and view.is_closed,
        "the chain to close after the restart",
    )

    assert (await chain_stack.state(participant_id)).status == "closed"
    expected = expected_chain_ids(
        f"chain-{participant_id}", await chain_stack.timeline(participant_id)
    )
    await chain_stack.wait_for(
        lambda: set(expected) <= {r.ce_id for r in chain_stack.chain.events_of(participant_id)},
        "every chain event on the topic",
    )
    records = chain_stack.chain.events_of(participant_id)
    copies = Counter(record.ce_id for record in records)
    redelivered = sum(count - 1 for count in copies.values())
    record_property("redelivered_chain_events", redelivered)
    print(f"chain events: {len(expected)}, redelivered copies after the kill: {redelivered}")

    assert set(copies) == set(expected)  # nothing lost, no fact under a second ce_id
    assert first_occurrences(records) == expected  # in order, once de-duplicated
    for ce_id in (ce_id for ce_id, count in copies.items() if count > 1):
        same = {
            (r.ce_type, r.event.payload.model_dump_json() if r.event else None)
            for r in records
            if r.ce_id == ce_id
        }
        assert len(same) == 1, f"copies of {ce_id} differ"
    view = chain_stack.view(participant_id)
    assert view is not None
    assert view.completed == {Stage.LANGUAGE, Stage.SCHOOL, Stage.APPRENTICESHIP, Stage.JOB}
    assert chain_stack.worker.starts == 2
