"""What happened in a chain: appended to its timeline and published on kette.chain.v1."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, TypedDict

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kette_core.contracts.base import ActorId, Kommune, ParticipantId
from kette_core.contracts.chain import (
    IgnoredReason,
    PauseReason,
    PlannedStageStatus,
    PlanReason,
    ReplanReason,
    TaskResolution,
)
from kette_core.contracts.vocabulary import (
    Activity,
    LanguageLevel,
    Module,
    OccupationField,
    ResidenceStatus,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)
from kette_workflows.domain.profile import EligibilityException
from kette_workflows.domain.vocabulary import (
    CloseReason,
    OfferChoice,
    ReorderReason,
    ReportKind,
    ReportSource,
    SkipReason,
    TaskKind,
    WithdrawReason,
)


class EventMeta(TypedDict):
    """Fields every event carries; the sequence lets the workflow derive stable event ids."""

    sequence: int
    occurred_at: AwareDatetime
    participant_id: str


class ChainEventBase(BaseModel):
    """Common envelope data of every chain event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    sequence: int = Field(ge=1, description="Position in this chain's timeline, from 1.")
    occurred_at: AwareDatetime
    participant_id: ParticipantId

    @property
    def event_type(self) -> str:
        """CloudEvents type name, `kette.chain.<kind>.v1`."""
        return f"kette.chain.{self.kind}.v1"


class StageSummary(BaseModel):
    """A stage of the plan without its German text, for consumers that count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Stage
    status: PlannedStageStatus
    reason: PlanReason
    ongoing_at_entry: bool
    modules: list[Module]
    target: str | None


class ChainStarted(ChainEventBase):
    """The chain began; records who was already in training or work at entry."""

    kind: Literal["chain_started"] = "chain_started"
    programme_id: str
    programme_version: int
    kommune: Kommune
    goal_stage: Stage
    residence_status: ResidenceStatus
    language_level: LanguageLevel
    current_activity: Activity
    stages: list[StageSummary]


class PlanChanged(ChainEventBase):
    """The plan was recomputed; completed stages were kept."""

    kind: Literal["plan_changed"] = "plan_changed"
    cause: ReplanReason
    goal_stage: Stage
    stages: list[StageSummary]


class StageOpened(ChainEventBase):
    """Work on a stage began."""

    kind: Literal["stage_opened"] = "stage_opened"
    stage: Stage
    attempt: int = Field(ge=1, description="Referrals tried for the stage so far, plus one.")


class ReferralRequested(ChainEventBase):
    """Matching is asked for ranked offers; only non-identifying facts go along."""

    kind: Literal["referral_requested"] = "referral_requested"
    request_id: str
    stage: Stage
    modules: list[Module]
    target: str | None
    attempt: int
    excluded_offer_ids: list[str]
    kommune: Kommune
    language_level: LanguageLevel
    childcare_needed: bool
    employment_ban: bool


class OffersReceived(ChainEventBase):
    """Matching proposed offers, best first."""

    kind: Literal["offers_received"] = "offers_received"
    request_id: str
    stage: Stage
    offer_ids: list[str]


class NoOfferFound(ChainEventBase):
    """Matching found nothing: a gap (Angebotslücke) the coordinators want to see."""

    kind: Literal["no_offer_found"] = "no_offer_found"
    request_id: str
    stage: Stage
    modules: list[Module]


class ReferralConfirmed(ChainEventBase):
    """The caseworker referred the person to an offer; the gateway tells the provider."""

    kind: Literal["referral_confirmed"] = "referral_confirmed"
    referral_id: str
    request_id: str = Field(description="The stage's match request; minted if there was none.")
    stage: Stage
    offer_id: str
    provider_id: str
    module: Module
    choice: OfferChoice
    answer_due_at: AwareDatetime
    decided_by: ActorId


class ReferralWithdrawn(ChainEventBase):
    """A referral was taken back; the provider must stop using the person's data."""

    kind: Literal["referral_withdrawn"] = "referral_withdrawn"
    referral_id: str
    stage: Stage
    provider_id: str
    reason: WithdrawReason


class OutcomeRecorded(ChainEventBase):
    """A provider report or a caseworker-recorded outcome took effect."""

    kind: Literal["outcome_recorded"] = "outcome_recorded"
    referral_id: str | None
    stage: Stage
    report: ReportKind
    source: ReportSource
    occurred_on: date | None = None
    report_id: str | None = None
    attendance_percent: int | None = None
    exam_passed: bool | None = None
    exam_level: LanguageLevel | None = None
    decided_by: ActorId | None = None


class InputIgnored(ChainEventBase):
    """An input changed nothing (duplicate, unknown, too late); kept for the audit trail."""

    kind: Literal["input_ignored"] = "input_ignored"
    input: Literal["provider_report", "match_result"]
    reference: str
    reason: IgnoredReason
    report_id: str | None = None


class StageCompleted(ChainEventBase):
    """A stage reached its target."""

    kind: Literal["stage_completed"] = "stage_completed"
    stage: Stage
    completed_on: date
    activity_after: Activity | None = None


class StageSkipped(ChainEventBase):
    """The caseworker skipped a stage."""

    kind: Literal["stage_skipped"] = "stage_skipped"
    stage: Stage
    reason: SkipReason
    decided_by: ActorId


class StagesReordered(ChainEventBase):
    """The caseworker changed the order of the stages not yet begun."""

    kind: Literal["stages_reordered"] = "stages_reordered"
    order: list[Stage]
    reason: ReorderReason
    decided_by: ActorId
    goal_stage: Stage
    stages: list[StageSummary] = Field(description="The whole plan in its new order.")


class JobStarted(ChainEventBase):
    """Employment subject to social insurance began; the follow-up is scheduled."""

    kind: Literal["job_started"] = "job_started"
    started_on: date
    follow_up_due_on: date


class FollowUpRecorded(ChainEventBase):
    """The caseworker checked whether the job lasted."""

    kind: Literal["follow_up_recorded"] = "follow_up_recorded"
    still_employed: bool
    decided_by: ActorId


class TaskOpened(ChainEventBase):
    """Something needs the caseworker."""

    kind: Literal["task_opened"] = "task_opened"
    task_id: str
    task_kind: TaskKind
    stage: Stage | None
    referral_id: str | None
    due_on: date | None


class TaskClosed(ChainEventBase):
    """A task was done or became moot."""

    kind: Literal["task_closed"] = "task_closed"
    task_id: str
    task_kind: TaskKind
    resolution: TaskResolution
    decided_by: ActorId | None = None


class CasePaused(ChainEventBase):
    """The case rests; no new referrals until it resumes."""

    kind: Literal["case_paused"] = "case_paused"
    reason: PauseReason
    decided_by: ActorId


class CaseResumed(ChainEventBase):
    """The case runs again."""

    kind: Literal["case_resumed"] = "case_resumed"
    decided_by: ActorId


class GoalChanged(ChainEventBase):
    """A new goal was agreed; a re-plan follows."""

    kind: Literal["goal_changed"] = "goal_changed"
    previous_goal_stage: Stage
    goal_stage: Stage
    occupation_field: OccupationField | None = None
    decided_by: ActorId


class ProfileFactsUpdated(ChainEventBase):
    """Assessed facts changed (e.g. a passed exam); only changed fields are set."""

    kind: Literal["profile_facts_updated"] = "profile_facts_updated"
    language_level: LanguageLevel | None = None
    school_certificate: SchoolCertificate | None = None
    vocational_qualification: VocationalQualification | None = None
    employment_ban: bool | None = None
    childcare_needed: bool | None = None
    decided_by: ActorId | None = None


class EligibilityExceptionRecorded(ChainEventBase):
    """A justified exception to the age limit was recorded."""

    kind: Literal["eligibility_exception_recorded"] = "eligibility_exception_recorded"
    exception: EligibilityException
    decided_by: ActorId


class ResidenceStatusRecorded(ChainEventBase):
    """The chain took note of a new residence status class."""

    kind: Literal["residence_status_recorded"] = "residence_status_recorded"
    new_status: ResidenceStatus
    expires_on: date | None
    removal_ordered: bool


class ConsentWithdrawn(ChainEventBase):
    """Sharing with providers stopped."""

    kind: Literal["consent_withdrawn"] = "consent_withdrawn"
    withdrawn_referral_ids: list[str]


class ConsentGiven(ChainEventBase):
    """Sharing with providers may resume."""

    kind: Literal["consent_given"] = "consent_given"


class CaseClosed(ChainEventBase):
    """The case ended."""

    kind: Literal["case_closed"] = "case_closed"
    reason: CloseReason
    decided_by: ActorId | None = None
    last_stage: Stage | None
    activity_at_exit: Activity
    withdrawn_referral_ids: list[str]


class CaseHandedOver(ChainEventBase):
    """The case went to the Jobcenter (SGB II) with a residence permit: handed over, not dropped."""

    kind: Literal["case_handed_over"] = "case_handed_over"
    to: Literal["jobcenter"] = "jobcenter"
    reason: CloseReason
    last_stage: Stage | None
    activity_at_exit: Activity
    withdrawn_referral_ids: list[str]


ChainEvent = Annotated[
    ChainStarted
    | PlanChanged
    | StageOpened
    | ReferralRequested
    | OffersReceived
    | NoOfferFound
    | ReferralConfirmed
    | ReferralWithdrawn
    | OutcomeRecorded
    | InputIgnored
    | StageCompleted
    | StageSkipped
    | StagesReordered
    | JobStarted
    | FollowUpRecorded
    | TaskOpened
    | TaskClosed
    | CasePaused
    | CaseResumed
    | GoalChanged
    | ProfileFactsUpdated
    | EligibilityExceptionRecorded
    | ResidenceStatusRecorded
    | ConsentWithdrawn
    | ConsentGiven
    | CaseClosed
    | CaseHandedOver,
    Field(discriminator="kind"),
]
