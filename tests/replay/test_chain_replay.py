"""Recorded chain histories replay against today's workflow; an unpatched change cannot slip by.

Replay needs no server: the Replayer feeds each recorded history to the workflow code and
fails when the code would now issue different commands (NondeterminismError), or when the
recorded inputs (profile, programme, carried state) no longer load.
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from kette_workflows.temporal.io import WORKFLOW_NAME, ChainInput
from kette_workflows.temporal.workflow import (
    PAUSE_HOLDS_TIMERS,
    REPORTS_FOLLOW_THE_REFERRAL,
    IntegrationsketteWorkflow,
)

pytestmark = pytest.mark.component

HISTORIES = Path(__file__).parent / "histories"
RECORDED = sorted(HISTORIES.glob("*.json"))
SCENARIOS = {
    "happy_path",
    "timers",
    "pause_resume_close",
    "closed_then_late_decision",
    "continue_as_new_first_run",
    "continue_as_new_carried_run",
    "paused_holds_timers",
    "reports_follow_the_referral",
}


def load(name: str) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"replay-{name}", (HISTORIES / f"{name}.json").read_text())


def event_types(history: WorkflowHistory) -> list[str]:
    return [event.WhichOneof("attributes") or "" for event in history.events]


def payload_texts(name: str) -> str:
    """Every payload of a recording (inputs, markers, activity arguments), decoded to text."""
    found = re.findall(r'"data":"([A-Za-z0-9+/=]+)"', (HISTORIES / f"{name}.json").read_text())
    return "\n".join(base64.b64decode(data).decode("utf-8", "replace") for data in found)


def replayer(*workflows: type) -> Replayer:
    return Replayer(workflows=list(workflows), data_converter=pydantic_data_converter)


def test_every_representative_run_is_recorded() -> None:
    """The replay test below must never pass by having nothing to replay."""
    assert {path.stem for path in RECORDED} >= SCENARIOS
    assert all(path.stat().st_size < 200_000 for path in RECORDED)


def test_the_recordings_show_what_they_are_named_for() -> None:
    """Re-recording must keep the runs representative: timers fire, runs continue as new."""
    happy = event_types(load("happy_path"))
    assert happy.count("workflow_execution_signaled_event_attributes") >= 5
    assert "workflow_execution_update_completed_event_attributes" in happy
    assert happy[-1] == "workflow_execution_completed_event_attributes"
    timers = event_types(load("timers"))
    assert timers.count("timer_fired_event_attributes") >= 3
    assert timers[-1] == "workflow_execution_completed_event_attributes"
    lingering = event_types(load("closed_then_late_decision"))
    assert lingering.count("marker_recorded_event_attributes") == 2  # both patches taken
    assert all(
        "marker_recorded" not in t
        for name in ("happy_path", "timers")
        for t in event_types(load(name))
    )  # recorded before the patches: the old path
    paused = load("paused_holds_timers")
    assert PAUSE_HOLDS_TIMERS in payload_texts("paused_holds_timers")
    assert "provider_no_response" in payload_texts("paused_holds_timers")
    assert event_types(paused).count("workflow_execution_update_completed_event_attributes") >= 4
    refused = payload_texts("reports_follow_the_referral")
    assert REPORTS_FOLLOW_THE_REFERRAL in refused
    assert "wrong_provider" in refused and "report_refused" in refused
    first = event_types(load("continue_as_new_first_run"))
    assert first[-1] == "workflow_execution_continued_as_new_event_attributes"
    carried = load("continue_as_new_carried_run")
    start = carried.events[0].workflow_execution_started_event_attributes
    (payload,) = pydantic_data_converter.payload_converter.from_payloads(
        start.input.payloads, [ChainInput]
    )
    assert isinstance(payload, ChainInput)  # recorded as JSON inside JSON, read as typed state
    assert payload.carried is not None
    assert payload.carried.state.timeline
    assert payload.profile is None and payload.programme is None


@pytest.mark.parametrize("path", RECORDED, ids=[path.stem for path in RECORDED])
async def test_a_recorded_history_replays_against_the_current_workflow(path: Path) -> None:
    history = load(path.stem)

    result = await replayer(IntegrationsketteWorkflow).replay_workflow(history)

    assert result.replay_failure is None


# -- a change to the workflow, unpatched and patched ---------------------------------------


@workflow.defn(name=WORKFLOW_NAME)
class UnpatchedPauseBeforePublishing(IntegrationsketteWorkflow):
    """Someone lets Kafka breathe for a second before each publication, without a patch."""

    @workflow.run
    async def run(self, start: ChainInput) -> str:
        return await super().run(start)

    async def _publish_pending(self) -> None:
        if self._unpublished:
            await workflow.sleep(timedelta(seconds=1))
        await super()._publish_pending()


@workflow.defn(name=WORKFLOW_NAME)
class PatchedPauseBeforePublishing(IntegrationsketteWorkflow):
    """The same change, guarded: recorded runs keep their path, new runs take the new one."""

    @workflow.run
    async def run(self, start: ChainInput) -> str:
        return await super().run(start)

    async def _publish_pending(self) -> None:
        if self._unpublished and workflow.patched("pause-before-publishing"):
            await workflow.sleep(timedelta(seconds=1))
        await super()._publish_pending()


@pytest.mark.parametrize("name", ["happy_path", "continue_as_new_carried_run"])
async def test_an_unpatched_change_of_the_workflow_is_caught_by_replay(name: str) -> None:
    with pytest.raises(workflow.NondeterminismError):
        await replayer(UnpatchedPauseBeforePublishing).replay_workflow(load(name))


@pytest.mark.parametrize("name", ["happy_path", "continue_as_new_carried_run"])
async def test_the_same_change_behind_workflow_patched_replays_cleanly(name: str) -> None:
    result = await replayer(PatchedPauseBeforePublishing).replay_workflow(load(name))

    assert result.replay_failure is None


@workflow.defn(name=WORKFLOW_NAME)
class PauseDoesNotHoldTimers(IntegrationsketteWorkflow):
    """The pause patch taken out again: the reminder would fire during the pause."""

    @workflow.init
    def __init__(self, start: ChainInput) -> None:
        super().__init__(start)
        behaviour = self._chain.state.behaviour
        self._chain.state.behaviour = behaviour.model_copy(update={"pause_holds_timers": False})

    @workflow.run
    async def run(self, start: ChainInput) -> str:
        return await super().run(start)


async def test_the_paused_recording_needs_the_pause_to_hold_its_timers() -> None:
    with pytest.raises(workflow.NondeterminismError):
        await replayer(PauseDoesNotHoldTimers).replay_workflow(load("paused_holds_timers"))
