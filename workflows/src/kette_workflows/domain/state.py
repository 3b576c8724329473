"""The serialisable state of one chain; the workflow carries it across continue-as-new."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kette_core.contracts.base import ParticipantId
from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.programme import Programme
from kette_workflows.domain.referrals import Referral
from kette_workflows.domain.stages import StageProgress
from kette_workflows.domain.tasks import Task
from kette_workflows.domain.vocabulary import ChainStatus, CloseReason

TIMELINE_KEPT = 100
"""Recent events the `timeline` query answers from; the full history is on kette.chain.v1."""
CLOSED_TASKS_KEPT = 20
"""Done or moot tasks kept for the caseworker's recent view; open tasks are always kept."""
_RETIRED_FIELDS = ("handled_report_ids",)
"""Fields of states carried by older runs, dropped on load (redeliveries are the edge's job)."""


class Behaviour(BaseModel):
    """Rule changes a recorded history must not see: the workflow sets each from its patch,
    a new chain has them all."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pause_holds_timers: bool = Field(
        default=True, description="Provider deadlines and reviews hold while paused."
    )
    reports_follow_the_referral: bool = Field(
        default=True,
        description="A report counts only from the provider that holds the referral, and "
        "'completed' only after 'enrolled'; a refused report asks the caseworker to look.",
    )


BEFORE_ANY_PATCH = Behaviour(pause_holds_timers=False, reports_follow_the_referral=False)
"""How chains behaved before the first of these changes: a state carried without it loads so."""


class PauseInfo(BaseModel):
    """Why and since when the case rests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: PauseReason
    since: AwareDatetime


class ChainState(BaseModel):
    """Everything the chain knows; plain data of bounded size, so it round-trips through JSON."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    participant_id: ParticipantId
    profile: ParticipantProfile
    programme: Programme
    status: ChainStatus = ChainStatus.ACTIVE
    stages: list[StageProgress]
    plan_warnings_de: list[str] = Field(default_factory=list)
    planned_on: date
    referrals: list[Referral] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    plan_completed_task_opened: bool = False
    pause: PauseInfo | None = None
    behaviour: Behaviour = Field(default=BEFORE_ANY_PATCH)
    close_reason: CloseReason | None = None
    closed_at: AwareDatetime | None = None
    started_at: AwareDatetime
    review_due_at: AwareDatetime
    eligibility_warned: bool = False
    residence_warned_for: date | None = None
    last_sequence: int = 0
    request_count: int = 0
    referral_count: int = 0
    task_count: int = 0
    timeline: list[ChainEvent] = Field(
        default_factory=list, description=f"The last {TIMELINE_KEPT} events, oldest first."
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_retired_fields(cls, data: Any) -> Any:
        """A state carried over by an older run still loads."""
        if isinstance(data, dict) and any(name in data for name in _RETIRED_FIELDS):
            data = {k: v for k, v in data.items() if k not in _RETIRED_FIELDS}
            if "plan_completed_task_opened" not in data:
                kinds = {task.get("kind") for task in data.get("tasks", [])}
                data["plan_completed_task_opened"] = "plan_completed" in kinds
        return data

    @property
    def is_closed(self) -> bool:
        """Closed or handed over: nothing may change any more."""
        return self.status in (ChainStatus.CLOSED, ChainStatus.HANDED_OVER)

    @property
    def is_paused(self) -> bool:
        """Resting: nothing new opens, and the pause-held timers wait."""
        return self.status == ChainStatus.PAUSED

    def remember(self, event: ChainEvent) -> None:
        """Append to the recent timeline and keep the state bounded."""
        self.timeline.append(event)
        del self.timeline[:-TIMELINE_KEPT]

    def forget_old_tasks(self) -> None:
        """Keep open tasks and the most recent closed ones."""
        closed = [task for task in self.tasks if not task.is_open]
        if len(closed) > CLOSED_TASKS_KEPT:
            dropped = {id(task) for task in closed[:-CLOSED_TASKS_KEPT]}
            self.tasks = [task for task in self.tasks if id(task) not in dropped]

    def progress(self, stage: Stage) -> StageProgress:
        """Every chain holds each stage exactly once."""
        return next(progress for progress in self.stages if progress.stage == stage)

    def referral(self, referral_id: str) -> Referral | None:
        """A referral by id, or None for ids this chain never issued."""
        return next((r for r in self.referrals if r.referral_id == referral_id), None)

    def open_referral(self, stage: Stage) -> Referral | None:
        """The referral currently with a provider for this stage, if any."""
        return next((r for r in self.referrals if r.stage == stage and r.is_open), None)

    def next_request_id(self) -> str:
        """Match request ids count up within the chain."""
        self.request_count += 1
        return f"{self.participant_id}:match:{self.request_count}"

    def open_referrals(self) -> list[Referral]:
        """Referrals still with a provider, in any stage."""
        return [referral for referral in self.referrals if referral.is_open]

    def open_tasks(self) -> list[Task]:
        """What the caseworker still has to do."""
        return [task for task in self.tasks if task.is_open]

    def task(self, task_id: str) -> Task | None:
        """A task by id, or None."""
        return next((task for task in self.tasks if task.task_id == task_id), None)
