"""The serialisable state of one chain; the workflow carries it across continue-as-new."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kette_core.contracts.base import Identifier, ParticipantId, ProviderId
from kette_core.contracts.vocabulary import LanguageLevel, Module, Stage
from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.planning import PlannedStage
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.programme import Programme
from kette_workflows.domain.vocabulary import (
    FINISHED_PHASES,
    OPEN_REFERRAL_STATUSES,
    ChainStatus,
    CloseReason,
    PauseReason,
    ReferralStatus,
    StagePhase,
    TaskKind,
)

_CONFIG = ConfigDict(extra="forbid", validate_assignment=True)


class ProposedOffer(BaseModel):
    """An offer matching proposed for a stage; ranked, best first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    offer_id: Identifier
    provider_id: ProviderId
    module: Module | None = None
    rank: int = Field(ge=1)


class StageProgress(BaseModel):
    """A planned stage and how far the chain got with it."""

    model_config = _CONFIG

    planned: PlannedStage
    phase: StagePhase
    request_id: str | None = None
    proposals: list[ProposedOffer] = Field(default_factory=list)
    tried_offer_ids: list[str] = Field(default_factory=list)
    attempts: int = 0
    job_started_on: date | None = None
    follow_up_due_on: date | None = None
    follow_up_task_opened: bool = False

    @property
    def stage(self) -> Stage:
        """Shortcut used everywhere."""
        return self.planned.stage

    @property
    def finished(self) -> bool:
        """Done, skipped or not applicable: it no longer holds back later stages."""
        return self.phase in FINISHED_PHASES

    @property
    def primary_module(self) -> Module | None:
        """The module the stage's offers are searched by; accompanying ones (F1) come after it."""
        return self.planned.modules[0] if self.planned.modules else None

    def open_proposals(self) -> list[ProposedOffer]:
        """Proposals not yet tried, best first."""
        return [offer for offer in self.proposals if offer.offer_id not in self.tried_offer_ids]


def offer_module(progress: StageProgress, named: Module | None) -> Module:
    """The offer's own module, else the stage's; validation makes sure there is one."""
    module = named or progress.primary_module
    if module is None:
        raise ValueError(f"stage {progress.stage.value}: a referral needs the offer's module")
    return module


class Referral(BaseModel):
    """One referral (Zuweisung) to a provider's offer."""

    model_config = _CONFIG

    referral_id: str
    stage: Stage
    offer_id: str
    provider_id: str
    status: ReferralStatus
    referred_at: AwareDatetime
    answer_due_at: AwareDatetime
    reminded: bool = False
    attendance_percent: int | None = None
    exam_passed: bool | None = None
    exam_level: LanguageLevel | None = None

    @property
    def is_open(self) -> bool:
        """Still with the provider: sent, accepted or enrolled."""
        return self.status in OPEN_REFERRAL_STATUSES


class Task(BaseModel):
    """Something the caseworker has to do, with the German text she reads."""

    model_config = _CONFIG

    task_id: str
    kind: TaskKind
    message_de: str
    opened_at: AwareDatetime
    stage: Stage | None = None
    referral_id: str | None = None
    due_on: date | None = None
    closed_at: AwareDatetime | None = None

    @property
    def is_open(self) -> bool:
        """Not yet done nor moot."""
        return self.closed_at is None


class PauseInfo(BaseModel):
    """Why and since when the case rests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: PauseReason
    since: AwareDatetime


class ChainState(BaseModel):
    """Everything the chain knows; plain data, so it round-trips through JSON unchanged."""

    model_config = _CONFIG

    participant_id: ParticipantId
    profile: ParticipantProfile
    programme: Programme
    status: ChainStatus = ChainStatus.ACTIVE
    stages: list[StageProgress]
    plan_warnings_de: list[str] = Field(default_factory=list)
    planned_on: date
    referrals: list[Referral] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    pause: PauseInfo | None = None
    close_reason: CloseReason | None = None
    closed_at: AwareDatetime | None = None
    started_at: AwareDatetime
    review_due_at: AwareDatetime
    eligibility_warned: bool = False
    residence_warned_for: date | None = None
    handled_report_ids: list[str] = Field(default_factory=list)
    last_sequence: int = 0
    request_count: int = 0
    referral_count: int = 0
    task_count: int = 0
    timeline: list[ChainEvent] = Field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        """Closed or handed over: nothing may change any more."""
        return self.status in (ChainStatus.CLOSED, ChainStatus.HANDED_OVER)

    def progress(self, stage: Stage) -> StageProgress:
        """Every chain holds each stage exactly once."""
        return next(progress for progress in self.stages if progress.stage == stage)

    def referral(self, referral_id: str) -> Referral | None:
        """A referral by id, or None for ids this chain never issued."""
        return next((r for r in self.referrals if r.referral_id == referral_id), None)

    def open_referral(self, stage: Stage) -> Referral | None:
        """The referral currently with a provider for this stage, if any."""
        return next((r for r in self.referrals if r.stage == stage and r.is_open), None)

    def open_tasks(self) -> list[Task]:
        """What the caseworker still has to do."""
        return [task for task in self.tasks if task.is_open]

    def task(self, task_id: str) -> Task | None:
        """A task by id, or None."""
        return next((task for task in self.tasks if task.task_id == task_id), None)
