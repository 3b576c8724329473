"""Continue-as-new: a long chain starts a fresh history and carries everything over."""

from __future__ import annotations

import pytest
from chain_harness import CASEWORKER, ChainDriver, now_of, running_chain
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.api import ChainEvent, ConfirmOffer, PauseCase, ResumeCase
from tests.support.profiles import learner_profile

pytestmark = pytest.mark.component

SMALL_HISTORY = 50
"""The smallest limit ChainInput allows; a handful of decisions cross it."""


async def current_run_id(driver: ChainDriver) -> str:
    run_id = (await driver.handle.describe()).run_id
    assert run_id is not None
    return run_id


async def pause_and_resume(driver: ChainDriver) -> None:
    await driver.decide(PauseCase(reason=PauseReason.OTHER, caseworker_id=CASEWORKER))
    await driver.decide(ResumeCase(caseworker_id=CASEWORKER))


def sequences(events: list[ChainEvent]) -> list[int]:
    return [event.sequence for event in events]


async def test_a_long_chain_continues_as_new_with_timeline_and_seen_signals(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    chain = learner_profile(today)
    async with running_chain(
        time_skipping_env, chain, history_events_before_continue=SMALL_HISTORY
    ) as driver:
        first_run = await current_run_id(driver)
        proposal = await driver.propose(Stage.LANGUAGE, "vhs-a2", "vhs-a2-b")
        await driver.settled()
        snapshots = [await driver.timeline()]
        runs = [first_run]
        for _ in range(8):
            await pause_and_resume(driver)
            snapshots.append(await driver.timeline())
            if (run := await current_run_id(driver)) != runs[-1]:
                runs.append(run)
        assert len(runs) >= 2, "the small history limit was never crossed"
        first = time_skipping_env.client.get_workflow_handle(driver.handle.id, run_id=first_run)
        assert (await first.describe()).status == WorkflowExecutionStatus.CONTINUED_AS_NEW

        # matching redelivers its proposal after the continue: the new run still knows its id
        carried = await driver.timeline()
        await driver.redeliver(proposal)
        confirmed = await driver.decide(
            ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-a2", caseworker_id=CASEWORKER)
        )

        timeline = await driver.timeline()
        assert timeline[: len(carried)] == carried
        assert [e.kind for e in timeline[len(carried) :]] == confirmed.events
        assert sequences(timeline) == list(range(1, len(timeline) + 1))
        for snapshot in snapshots:
            assert timeline[: len(snapshot)] == snapshot
        assert [e.kind for e in timeline].count("offers_received") == 1
        assert "input_ignored" not in [e.kind for e in timeline]
        assert sequences(driver.recorder.events) == sequences(timeline)
        assert driver.recorder.events == timeline
        state = await driver.state()
        assert state.published_up_to == state.last_sequence == timeline[-1].sequence
