"""The Integrationskette of one participant as a state machine the workflow drives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.chain_decisions import DecisionHandlers
from kette_workflows.domain.chain_inputs import InputHandlers
from kette_workflows.domain.decisions import (
    ChangeGoal,
    ChooseOtherOffer,
    CloseCase,
    CompleteTask,
    ConfirmOffer,
    Decision,
    PauseCase,
    RecordEligibilityException,
    RecordFollowUp,
    RecordOutcome,
    ReorderStages,
    RequestNewMatch,
    ResumeCase,
    SkipStage,
    UpdateProfile,
)
from kette_workflows.domain.events import ChainEvent, ChainStarted
from kette_workflows.domain.planning import PlannedStage, plan_chain
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.programme import Programme
from kette_workflows.domain.replanning import initial_progress, summarise
from kette_workflows.domain.state import ChainState, Task
from kette_workflows.domain.timers import TimerHandlers
from kette_workflows.domain.vocabulary import ChainStatus, StagePhase


class PlanView(BaseModel):
    """The plan with its German reasons, in the chain's current order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stages: list[PlannedStage]
    phases: dict[Stage, StagePhase]
    warnings_de: list[str]


class Chain(DecisionHandlers, InputHandlers, TimerHandlers):
    """Plain class, no Temporal, no I/O, no clock: time always comes in as `now`."""

    @classmethod
    def start(
        cls, profile: ParticipantProfile, programme: Programme, now: datetime
    ) -> tuple[Chain, list[ChainEvent]]:
        """Plan and open the first stages; the events record who was in training or work."""
        if profile.programme_id != programme.programme_id:
            raise ValueError(
                f"profile.programme_id {profile.programme_id!r} does not match "
                f"programme {programme.programme_id!r}"
            )
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        plan = plan_chain(profile, programme, now.date())
        review_period = timedelta(days=programme.deadlines.case_review_days)
        state = ChainState(
            participant_id=profile.participant_id,
            profile=profile,
            programme=programme,
            stages=[initial_progress(planned) for planned in plan.stages],
            plan_warnings_de=plan.warnings_de,
            planned_on=plan.planned_on,
            started_at=now,
            review_due_at=now + review_period,
        )
        chain = cls(state)
        chain._emit(
            ChainStarted(
                **chain._meta(now),
                programme_id=programme.programme_id,
                programme_version=programme.version,
                kommune=profile.kommune,
                goal_stage=profile.goal.target_stage,
                residence_status=profile.residence_status,
                language_level=profile.language_level,
                current_activity=profile.current_activity,
                stages=summarise(state.stages),
            )
        )
        chain._advance(now)
        return chain, list(state.timeline)

    @classmethod
    def from_json(cls, data: str | bytes) -> Chain:
        """Restore after continue-as-new or for a test."""
        return cls(ChainState.model_validate_json(data))

    def to_json(self) -> str:
        """Everything, as JSON; restoring it yields an equal chain."""
        return self.state.model_dump_json()

    def decide(self, decision: Decision, now: datetime) -> list[ChainEvent]:
        """One entry point for all decisions, for a generic Update handler."""
        return _DECISION_METHODS[type(decision)](self, decision, now)

    @property
    def status(self) -> ChainStatus:
        """Active, paused, closed or handed over."""
        return self.state.status

    def plan(self) -> PlanView:
        """Query: plan with reasons and where each stage stands."""
        return PlanView(
            stages=[progress.planned for progress in self.state.stages],
            phases={progress.stage: progress.phase for progress in self.state.stages},
            warnings_de=self.state.plan_warnings_de,
        )

    def open_tasks(self) -> list[Task]:
        """Query: what the caseworker has to do."""
        return self.state.open_tasks()

    def timeline(self) -> list[ChainEvent]:
        """Query: everything that happened, in order."""
        return list(self.state.timeline)

    def current_stages(self) -> list[Stage]:
        """Stages being worked on now, e.g. for a search attribute."""
        return [
            progress.stage
            for progress in self.state.stages
            if progress.phase != StagePhase.PENDING and not progress.finished
        ]


_DECISION_METHODS: dict[type[Decision], Callable[[Chain, Any, datetime], list[ChainEvent]]] = {
    ConfirmOffer: Chain.confirm_offer,
    ChooseOtherOffer: Chain.choose_other_offer,
    RequestNewMatch: Chain.request_new_match,
    SkipStage: Chain.skip_stage,
    ReorderStages: Chain.reorder_stages,
    RecordOutcome: Chain.record_outcome,
    PauseCase: Chain.pause_case,
    ResumeCase: Chain.resume_case,
    ChangeGoal: Chain.change_goal,
    UpdateProfile: Chain.update_profile,
    CloseCase: Chain.close_case,
    RecordEligibilityException: Chain.record_eligibility_exception,
    RecordFollowUp: Chain.record_follow_up,
    CompleteTask: Chain.complete_task,
}
