"""Caseworker decisions as Updates: a rejected one is a clear error and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from chain_harness import CASEWORKER, ChainDriver, now_of, running_chain
from temporalio.client import WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.api import (
    CloseCase,
    CloseReason,
    ConfirmOffer,
    Decision,
    DecisionRejected,
    DecisionResult,
    PauseCase,
    RequestNewMatch,
    ResumeCase,
)
from tests.support.profiles import learner_profile

pytestmark = pytest.mark.component


async def rejection(driver: ChainDriver, decision: Decision) -> DecisionRejected:
    """Send a decision that must be rejected; return what the caller gets."""
    with pytest.raises(DecisionRejected) as rejected:
        await driver.decide(decision)
    return rejected.value


async def assert_rejected_without_effect(
    driver: ChainDriver, decision: Decision
) -> DecisionRejected:
    """The rejection leaves queries as they were and nothing new reaches Kafka."""
    await driver.settled()
    before = await driver.snapshot()
    published_before = list(driver.recorder.events)

    rejected = await rejection(driver, decision)

    assert await driver.snapshot() == before
    # a following accepted decision returns only after its events are published, in order:
    # anything the rejected one had slipped onto the timeline would be published before them
    pause = await driver.decide(
        PauseCase(reason=PauseReason.PERSONAL_CIRCUMSTANCES, caseworker_id=CASEWORKER)
    )
    published_since = driver.recorder.events[len(published_before) :]
    assert driver.recorder.events[: len(published_before)] == published_before
    assert [event.kind for event in published_since] == pause.events
    assert [event.sequence for event in published_since] == [
        event.sequence for event in (await driver.timeline())[len(before[1]) :]
    ]
    return rejected


async def test_confirming_an_offer_matching_did_not_propose_is_rejected_in_german(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        await driver.propose(Stage.LANGUAGE, "vhs-a2", "vhs-a2-b")
        unknown = ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-b1", caseworker_id=CASEWORKER)

        rejected = await assert_rejected_without_effect(driver, unknown)

        assert rejected.field == "offer_id"
        assert "vhs-b1" in rejected.reason
        assert rejected.message_de == (
            "Das Angebot vhs-b1 wurde für diese Stufe nicht vorgeschlagen."
        )


async def test_a_decision_on_a_stage_not_open_is_rejected(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        await driver.propose(Stage.LANGUAGE, "vhs-a2")
        again = RequestNewMatch(stage=Stage.SCHOOL, caseworker_id=CASEWORKER)
        assert (await rejection(driver, again)).field == "stage"
        pending = ConfirmOffer(stage=Stage.SCHOOL, offer_id="vhs-a2", caseworker_id=CASEWORKER)

        rejected = await assert_rejected_without_effect(driver, pending)

        assert rejected.field == "stage"
        assert "school" in rejected.reason
        assert rejected.message_de.startswith("Die Stufe ")
        assert "ist dafür nicht offen" in rejected.message_de


async def test_resuming_a_case_that_is_not_paused_is_rejected(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        resume = ResumeCase(caseworker_id=CASEWORKER)

        rejected = await assert_rejected_without_effect(driver, resume)

        assert (rejected.field, rejected.reason, rejected.message_de) == (
            "status",
            "case is not paused",
            "Der Fall ruht nicht.",
        )


async def test_closing_a_case_that_is_already_closed_is_rejected(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    """A second close (a double click) arrives while the first is still being published."""
    today = (await now_of(time_skipping_env)).date()
    close = CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER)
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        await driver.settled()
        published_before = len(driver.recorder.events)
        driver.recorder.hold()
        first = await driver.handle.start_update(
            CloseCase.name,
            close,
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            result_type=DecisionResult,
        )
        before = await driver.snapshot()
        assert before[0].status == "closed"

        rejected = await rejection(driver, close)

        assert await driver.snapshot() == before
        assert rejected.field == "status"
        assert rejected.message_de == "Der Fall ist bereits abgeschlossen."
        driver.recorder.release()
        result = await first.result(rpc_timeout=None)
        assert result.events[-1] == "case_closed"
        assert await driver.handle.result() == "closed"
        closing = [e for e in driver.recorder.events if e.kind == "case_closed"]
        assert len(closing) == 1
        published = [e.kind for e in driver.recorder.events[published_before:]]
        assert published == result.events


async def test_an_accepted_decision_returns_after_its_events_are_published(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        await driver.propose(Stage.LANGUAGE, "vhs-a2", "vhs-a2-b")
        await driver.settled()
        published_before = len(driver.recorder.events)

        result = await driver.decide(
            ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-a2", caseworker_id=CASEWORKER)
        )

        # read at once, no waiting: the update returned only after the activity published
        published = driver.recorder.events[published_before:]
        assert result.status == "active"
        assert "referral_confirmed" in result.events
        assert [event.kind for event in published] == result.events
        timeline = await driver.timeline()
        assert published == timeline[published_before:]
        assert (await driver.state()).published_up_to == timeline[-1].sequence


async def test_a_decision_days_after_closing_is_still_rejected_in_german(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    """A closed chain lingers, so a late caller reads why instead of 'workflow not found'."""
    today = (await now_of(time_skipping_env)).date()
    close = CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER)
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        await driver.decide(close)
        await time_skipping_env.sleep(timedelta(days=3))

        rejected = await rejection(driver, close)

        assert rejected.message_de == "Der Fall ist bereits abgeschlossen."
        assert [e.kind for e in driver.recorder.events].count("case_closed") == 1
        assert await driver.handle.result() == "closed"  # the linger ends by itself
