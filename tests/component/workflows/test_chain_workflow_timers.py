"""Every chain timer on Temporal's time-skipping server: months pass in seconds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from chain_harness import CASEWORKER, ChainDriver, now_of, running_chain
from temporalio.testing import WorkflowEnvironment

from kette_core.contracts.vocabulary import Stage
from kette_workflows.api import (
    ChainEvent,
    ConfirmOffer,
    DecisionRejected,
    EligibilityException,
    RecordEligibilityException,
    RecordFollowUp,
    ReportKind,
    TaskKind,
)
from tests.support.profiles import learner_profile

pytestmark = pytest.mark.component


async def open_task_kinds(driver: ChainDriver) -> set[TaskKind]:
    return {task.kind for task in await driver.tasks()}


async def test_a_provider_silent_past_the_deadline_becomes_a_task_for_the_caseworker(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        await driver.propose(Stage.LANGUAGE, "vhs-a2", "vhs-a2-b")
        await driver.decide(
            ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-a2", caseworker_id=CASEWORKER),
        )
        assert TaskKind.PROVIDER_NO_RESPONSE not in await open_task_kinds(driver)

        await time_skipping_env.sleep(timedelta(days=11))

        assert TaskKind.PROVIDER_NO_RESPONSE in await open_task_kinds(driver)


async def test_a_case_review_falls_due_after_the_programmes_review_period(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        await time_skipping_env.sleep(timedelta(days=89))
        assert TaskKind.CASE_REVIEW not in await open_task_kinds(driver)

        await time_skipping_env.sleep(timedelta(days=2))

        assert TaskKind.CASE_REVIEW in await open_task_kinds(driver)


async def test_the_chain_closes_when_eligibility_ends_at_27(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    turning_27 = learner_profile(today, eligibility_ends_on=today + timedelta(days=120))
    async with running_chain(time_skipping_env, turning_27) as driver:
        result = await driver.handle.result()

        assert result == "closed"
        closing = [e for e in driver.recorder.events if e.kind == "case_closed"]
        assert [e.reason for e in closing] == ["reached_27"]  # type: ignore[union-attr]
        assert "eligibility_ending" in {
            e.task_kind
            for e in driver.recorder.events
            if e.kind == "task_opened"  # type: ignore[union-attr]
        }


async def test_a_recorded_exception_keeps_the_chain_open_beyond_27(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    turning_27 = learner_profile(today, eligibility_ends_on=today + timedelta(days=120))
    async with running_chain(time_skipping_env, turning_27) as driver:
        await driver.decide(
            RecordEligibilityException(
                exception=EligibilityException.FINISH_ONGOING_STAGE, caseworker_id=CASEWORKER
            ),
        )

        await time_skipping_env.sleep(timedelta(days=150))

        assert (await driver.state()).status == "active"
        assert "case_closed" not in driver.recorder.kinds()


async def test_a_duldung_about_to_expire_opens_a_warning_task(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    expiring = learner_profile(today, residence_status_expires_on=today + timedelta(days=90))
    async with running_chain(time_skipping_env, expiring) as driver:
        assert TaskKind.RESIDENCE_EXPIRING not in await open_task_kinds(driver)

        await time_skipping_env.sleep(timedelta(days=40))

        assert TaskKind.RESIDENCE_EXPIRING in await open_task_kinds(driver)


async def test_six_months_after_the_job_starts_the_follow_up_closes_as_sustained_work(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    trained = learner_profile(
        today, language_level="B1", vocational_qualification="foreign", goal={"target_stage": "job"}
    )
    async with running_chain(time_skipping_env, trained) as driver:
        await driver.propose(Stage.JOB, "job-lager")
        await driver.decide(
            ConfirmOffer(stage=Stage.JOB, offer_id="job-lager", caseworker_id=CASEWORKER),
        )
        await driver.report(Stage.JOB, ReportKind.ENROLLED, on=today)
        early = RecordFollowUp(still_employed=True, caseworker_id=CASEWORKER)
        with pytest.raises(DecisionRejected):
            await driver.decide(early)

        await time_skipping_env.sleep(timedelta(days=185))
        assert TaskKind.FOLLOW_UP in await open_task_kinds(driver)
        await driver.decide(early)

        assert await driver.handle.result() == "closed"
        closing: list[ChainEvent] = [e for e in driver.recorder.events if e.kind == "case_closed"]
        assert [e.reason for e in closing] == ["sustained_work"]  # type: ignore[union-attr]
