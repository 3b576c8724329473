"""A pause holds the provider deadline and the review on the real workflow; a decision that
loses a race after its validator passed fails alone, the chain runs on."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

import pytest
from chain_harness import CASEWORKER, RecordingPublisher, now_of, running_chain
from temporalio import workflow
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from kette_core.contracts.vocabulary import Stage
from kette_workflows.api import (
    ConfirmOffer,
    PauseCase,
    PauseReason,
    ResumeCase,
    Task,
    TaskKind,
)
from kette_workflows.programmes import load_programme
from kette_workflows.temporal.io import WORKFLOW_NAME, ChainInput, DecisionResult
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow
from tests.support.profiles import learner_profile

pytestmark = pytest.mark.component


async def test_a_paused_case_gets_no_provider_reminder_until_it_resumes(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        await driver.propose(Stage.LANGUAGE, "vhs-a2")
        confirm = ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-a2", caseworker_id=CASEWORKER)
        await driver.decide(confirm)
        await time_skipping_env.sleep(timedelta(days=2))
        pause = PauseCase(reason=PauseReason.CHILDCARE, caseworker_id=CASEWORKER)
        await driver.decide(pause)

        await time_skipping_env.sleep(timedelta(days=30))
        while_paused = await driver.tasks()
        await driver.handle.execute_update(ResumeCase.name, ResumeCase(caseworker_id=CASEWORKER))
        await time_skipping_env.sleep(timedelta(days=7))
        before_the_rest = await driver.tasks()
        await time_skipping_env.sleep(timedelta(days=2))
        after_the_rest = await driver.tasks()

    def reminders(tasks: list[Task]) -> int:
        return sum(task.kind == TaskKind.PROVIDER_NO_RESPONSE for task in tasks)

    assert reminders(while_paused) == 0
    assert reminders(before_the_rest) == 0, "8 of the 10 days are left after the pause"
    assert reminders(after_the_rest) == 1


@workflow.defn(name=WORKFLOW_NAME)
class ValidatorThatLetsEverythingThrough(IntegrationsketteWorkflow):
    """Stands in for a validator that passed on a state a concurrent update then changed."""

    @workflow.run
    async def run(self, start: ChainInput) -> str:
        return await super().run(start)

    @workflow.update(dynamic=True)
    async def decide(self, name: str, args: Sequence[RawValue]) -> DecisionResult:
        return await super().decide(name, args)

    @decide.validator
    def _check(self, name: str, args: Sequence[RawValue]) -> None:
        return None


async def test_a_decision_rejected_in_its_handler_fails_that_update_not_the_chain(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    client = time_skipping_env.client
    task_queue = f"tq-{uuid.uuid4()}"
    chain_profile = learner_profile(today)
    start = ChainInput(profile=chain_profile, programme=load_programme("durchstarten"))
    not_proposed = ConfirmOffer(stage=Stage.LANGUAGE, offer_id="nowhere", caseworker_id=CASEWORKER)
    recorder = RecordingPublisher()
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[ValidatorThatLetsEverythingThrough],
        activities=[recorder.publish_chain_events],
    ):
        handle = await client.start_workflow(
            WORKFLOW_NAME, start, id=f"chain-{chain_profile.participant_id}", task_queue=task_queue
        )
        update = await handle.start_update(
            ConfirmOffer.name, not_proposed, wait_for_stage=WorkflowUpdateStage.ACCEPTED
        )
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await update.result()
        pause = PauseCase(reason=PauseReason.OTHER, caseworker_id=CASEWORKER)
        paused = await handle.start_update(
            PauseCase.name,
            pause,
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            result_type=DecisionResult,
        )
        pause_result = await paused.result()
        state = await handle.query(IntegrationsketteWorkflow.state)
        await handle.terminate("test finished")

    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "DecisionRejected"
    assert cause.details[0]["field"] == "stage"
    assert pause_result.status == "paused"  # the chain took the next decision: it did not fail
    assert state.status == "paused"
