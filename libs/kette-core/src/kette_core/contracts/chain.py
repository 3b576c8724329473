"""Events of one participant's Integrationskette, published by workflow activities."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field
from pydantic.config import JsonValue

from kette_core.contracts import topics
from kette_core.contracts.base import (
    EXAMPLE_CASEWORKER,
    EXAMPLE_CONSTRAINTS,
    EXAMPLE_OFFER,
    EXAMPLE_PARTICIPANT,
    EXAMPLE_PROVIDER,
    EXAMPLE_REFERRAL,
    EXAMPLE_REQUEST,
    EventDate,
    EventPayload,
    Identifier,
    Kommune,
    ParticipantId,
    ProviderId,
    Slug,
    example_config,
)
from kette_core.contracts.vocabulary import (
    Activity,
    Actor,
    Constraints,
    ContractModel,
    Goal,
    LanguageLevel,
    Module,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)

_EXAMPLE_PLAN: list[JsonValue] = [
    {
        "stage": "language",
        "status": "planned",
        "reason": "needed_for_goal",
        "modules": ["F4"],
        "target_language_level": "B1",
    },
    {"stage": "school", "status": "met_at_entry", "reason": "certificate_held"},
    {
        "stage": "apprenticeship",
        "status": "planned",
        "reason": "needed_for_goal",
        "modules": ["F1", "F2"],
    },
]
"""The plan of the examples, started with and replanned to."""


class ChainEvent(EventPayload):
    """Every chain event is keyed by the participant whose chain it is."""

    channels: ClassVar[tuple[str, ...]] = (topics.CHAIN,)

    participant_id: ParticipantId


class PlannedStageStatus(StrEnum):
    """Where a stage stands in the plan."""

    PLANNED = "planned"
    MET_AT_ENTRY = "met_at_entry"
    SKIPPED = "skipped"
    NOT_ELIGIBLE = "not_eligible"
    COMPLETED = "completed"


class PlanReason(StrEnum):
    """Why the planner put a stage into the plan, or left it out."""

    NEEDED_FOR_GOAL = "needed_for_goal"
    LANGUAGE_LEVEL_SUFFICIENT = "language_level_sufficient"
    CERTIFICATE_HELD = "certificate_held"
    FOREIGN_CERTIFICATE_RECOGNITION = "foreign_certificate_recognition"
    VOCATIONAL_QUALIFICATION_HELD = "vocational_qualification_held"
    ALREADY_IN_APPRENTICESHIP = "already_in_apprenticeship"
    ALREADY_IN_WORK = "already_in_work"
    BEYOND_GOAL = "beyond_goal"
    EMPLOYMENT_BAN = "employment_ban"
    CASEWORKER_DECISION = "caseworker_decision"
    OTHER = "other"
    NOT_NEEDED = "not_needed"
    RESIDENCE_STATUS_NOT_ELIGIBLE = "residence_status_not_eligible"
    AGE_LIMIT = "age_limit"
    COMPLETED_EARLIER = "completed_earlier"


class PlannedStage(ContractModel):
    """One stage of the plan."""

    stage: Stage = Field(description="Stage of the chain.")
    status: PlannedStageStatus = Field(description="Planned, met at entry, or skipped.")
    reason: PlanReason = Field(description="Why the stage has this status.")
    modules: tuple[Module, ...] = Field(
        default=(), description="Support modules foreseen for the stage."
    )
    target_language_level: LanguageLevel | None = Field(
        default=None, description="German level the stage aims for, where it is the language stage."
    )
    ongoing_at_entry: bool = Field(
        default=False,
        description="The person was already in this stage at entry and still is "
        "(e.g. an apprenticeship); met at entry but not yet finished.",
    )


class ReplanReason(StrEnum):
    """What made the plan change."""

    PROFILE_UPDATED = "profile_updated"
    GOAL_CHANGED = "goal_changed"
    STAGE_FAILED = "stage_failed"
    DROPPED_OUT = "dropped_out"
    RESIDENCE_STATUS_CHANGED = "residence_status_changed"
    CASEWORKER_DECISION = "caseworker_decision"
    ELIGIBILITY_EXCEPTION = "eligibility_exception"
    STAGES_REORDERED = "stages_reordered"


class ReferralWithdrawalReason(StrEnum):
    """Why a referral was withdrawn before it ran its course."""

    CASEWORKER_DECISION = "caseworker_decision"
    PARTICIPANT_DECLINED = "participant_declined"
    PROVIDER_NO_RESPONSE = "provider_no_response"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    REPLANNED = "replanned"
    CHAIN_CLOSED = "chain_closed"


class Outcome(StrEnum):
    """Outcome of a referral or stage attempt."""

    COMPLETED = "completed"
    PASSED = "passed"
    FAILED = "failed"
    DROPPED_OUT = "dropped_out"
    REJECTED = "rejected"
    NO_SHOW = "no_show"
    ACCEPTED = "accepted"
    ENROLLED = "enrolled"
    ATTENDANCE = "attendance"


class OutcomeSource(StrEnum):
    """Who reported the outcome."""

    PROVIDER = "provider"
    CASEWORKER = "caseworker"


class PauseReason(StrEnum):
    """Pause category; illness and pregnancy are one code, never a diagnosis (Art. 9 DSGVO)."""

    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    CHILDCARE = "childcare"
    EMPLOYMENT_BAN = "employment_ban"
    WAITING_FOR_OFFER = "waiting_for_offer"
    CASEWORKER_DECISION = "caseworker_decision"
    OTHER = "other"


class TaskKind(StrEnum):
    """Kind of task put on a caseworker's list."""

    PROVIDER_REMINDER = "provider_reminder"
    CASE_REVIEW = "case_review"
    ELIGIBILITY_END = "eligibility_end"
    RESIDENCE_EXPIRY = "residence_expiry"
    FOLLOW_UP = "follow_up"
    DECISION_NEEDED = "decision_needed"
    NO_OFFER_FOUND = "no_offer_found"
    LOW_ATTENDANCE = "low_attendance"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    PROGRAMME_HINT = "programme_hint"
    PLAN_COMPLETED = "plan_completed"
    REPORT_REFUSED = "report_refused"


class TaskResolution(StrEnum):
    """How a task was closed."""

    DONE = "done"
    OBSOLETE = "obsolete"
    EXPIRED = "expired"


class SharingStopReason(StrEnum):
    """Why data is no longer shared with providers."""

    CONSENT_WITHDRAWN = "consent_withdrawn"
    CHAIN_CLOSED = "chain_closed"


class ClosureReason(StrEnum):
    """Why the chain ended; a hand-over is not a drop-out."""

    MOVED_AWAY = "moved_away"
    HANDED_TO_JOBCENTER = "handed_to_jobcenter"
    REMOVAL = "removal"
    WITHDREW = "withdrew"
    REACHED_27 = "reached_27"
    SUSTAINED_WORK = "sustained_work"
    OTHER = "other"
    GOAL_REACHED = "goal_reached"
    NO_LONGER_ELIGIBLE = "no_longer_eligible"


class OfferChoice(StrEnum):
    """Whether the caseworker took an offer matching proposed or one she found herself."""

    PROPOSED = "proposed"
    CASEWORKER_FOUND = "caseworker_found"


class SkipReason(StrEnum):
    """Why the caseworker skipped a stage."""

    NOT_NEEDED = "not_needed"
    ACHIEVED_ELSEWHERE = "achieved_elsewhere"
    PARTICIPANT_DECLINED = "participant_declined"
    NO_OFFER_AVAILABLE = "no_offer_available"
    OTHER = "other"


class EligibilityException(StrEnum):
    """Justified exception to the age limit of 27."""

    FINISH_ONGOING_STAGE = "finish_ongoing_stage"
    LATE_ENTRY_JUSTIFIED = "late_entry_justified"
    OTHER_JUSTIFIED = "other_justified"


class ChainStarted(ChainEvent):
    """The chain was planned and started."""

    event_type: ClassVar[str] = "kette.chain.started.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        programme_id="durchstarten",
        kommune="Bergkamen",
        plan=_EXAMPLE_PLAN,
    )

    programme_id: Slug = Field(description="Programme whose rules apply.")
    kommune: Kommune
    plan: tuple[PlannedStage, ...] = Field(min_length=1, description="Stages in planned order.")
    programme_version: int | None = Field(
        default=None, ge=1, description="Version of the programme rules the chain follows."
    )
    goal_stage: Stage | None = Field(default=None, description="Last stage the plan aims for.")
    activity_at_entry: Activity | None = Field(
        default=None, description="Training or work the person was already in at entry."
    )


class StageStarted(ChainEvent):
    """Work on a stage began (stages may overlap)."""

    event_type: ClassVar[str] = "kette.chain.stage_started.v1"
    model_config = example_config(participant_id=EXAMPLE_PARTICIPANT, stage="language", attempt=1)

    stage: Stage = Field(description="Stage that started.")
    attempt: int = Field(ge=1, description="1 for the first attempt, higher for retries.")


class ReferralRequested(ChainEvent):
    """The chain needs an offer for a stage; matching answers with proposals or a gap."""

    event_type: ClassVar[str] = "kette.chain.referral_requested.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        request_id=EXAMPLE_REQUEST,
        stage="language",
        module="F4",
        target_language_level="B1",
        current_language_level="A2",
        kommune="Bergkamen",
        constraints=EXAMPLE_CONSTRAINTS,
        earliest_start="2024-04-01",
    )

    request_id: Identifier = Field(description="Id of this request; matching echoes it back.")
    stage: Stage = Field(description="Stage the offer is for.")
    module: Module = Field(description="Support module asked for.")
    target_language_level: LanguageLevel | None = Field(
        default=None, description="German level the offer should lead to."
    )
    current_language_level: LanguageLevel = Field(description="German level now.")
    kommune: Kommune
    constraints: Constraints = Field(description="Constraints that rule offers in or out.")
    earliest_start: EventDate | None = Field(default=None, description="Earliest useful start day.")
    accompanying_modules: tuple[Module, ...] = Field(
        default=(), description="Further modules foreseen alongside, e.g. F1 coaching."
    )
    excluded_offer_ids: tuple[Identifier, ...] = Field(
        default=(), description="Offers already tried for this stage; not to be proposed again."
    )
    attempt: int | None = Field(
        default=None, ge=1, description="1 for the first search of the stage, higher for retries."
    )


class ReferralConfirmed(ChainEvent):
    """The caseworker chose an offer; the gateway refers the person to the provider."""

    event_type: ClassVar[str] = "kette.chain.referral_confirmed.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        referral_id=EXAMPLE_REFERRAL,
        request_id=EXAMPLE_REQUEST,
        offer_id=EXAMPLE_OFFER,
        provider_id=EXAMPLE_PROVIDER,
        stage="language",
        module="F4",
        response_due="2024-03-18",
        confirmed_by=EXAMPLE_CASEWORKER,
        offer_choice="proposed",
    )

    referral_id: Identifier = Field(description="Id of the referral (Zuweisung).")
    request_id: Identifier = Field(
        description="Request the chosen proposal answered; for an offer the caseworker found "
        "without any search, an id of its own that no referral_requested event carries."
    )
    offer_id: Identifier = Field(description="Chosen offer.")
    provider_id: ProviderId
    stage: Stage = Field(description="Stage the referral serves.")
    module: Module = Field(description="Support module of the offer.")
    response_due: EventDate = Field(description="Day by which the provider should answer.")
    confirmed_by: Actor = Field(description="Caseworker who decided.")
    offer_choice: OfferChoice | None = Field(
        default=None, description="Offer proposed by matching, or found by the caseworker."
    )


class ReferralWithdrawn(ChainEvent):
    """A referral was withdrawn; the gateway tells the provider."""

    event_type: ClassVar[str] = "kette.chain.referral_withdrawn.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        referral_id=EXAMPLE_REFERRAL,
        provider_id=EXAMPLE_PROVIDER,
        stage="language",
        reason="consent_withdrawn",
    )

    referral_id: Identifier = Field(description="Referral withdrawn.")
    provider_id: ProviderId
    stage: Stage = Field(description="Stage the referral served.")
    reason: ReferralWithdrawalReason = Field(description="Why it was withdrawn.")


class OutcomeRecorded(ChainEvent):
    """An outcome of a stage attempt was recorded."""

    event_type: ClassVar[str] = "kette.chain.outcome_recorded.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        stage="language",
        referral_id=EXAMPLE_REFERRAL,
        outcome="passed",
        source="provider",
        language_level_reached="B1",
        recorded_on="2024-07-12",
    )

    stage: Stage = Field(description="Stage concerned.")
    referral_id: Identifier | None = Field(
        default=None, description="Referral concerned, if the outcome came through one."
    )
    outcome: Outcome = Field(description="What came of it.")
    source: OutcomeSource = Field(description="Who reported it.")
    language_level_reached: LanguageLevel | None = Field(
        default=None, description="German level reached, for language outcomes."
    )
    certificate_obtained: SchoolCertificate | None = Field(
        default=None, description="School certificate obtained, for school outcomes."
    )
    recorded_on: EventDate = Field(description="Day the outcome was recorded.")
    occurred_on: EventDate | None = Field(
        default=None, description="Day the reported fact happened, where the report says."
    )
    attendance_percent: int | None = Field(
        default=None, ge=0, le=100, description="Share of planned hours attended, in percent."
    )
    recorded_by: Actor | None = Field(
        default=None, description="Caseworker who entered it; absent for provider reports."
    )


class StageCompleted(ChainEvent):
    """A stage reached its target."""

    event_type: ClassVar[str] = "kette.chain.stage_completed.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT, stage="language", completed_on="2024-07-12"
    )

    stage: Stage = Field(description="Stage completed.")
    completed_on: EventDate = Field(description="Day the stage was completed.")
    activity_after: Activity | None = Field(
        default=None, description="Activity the person moved into, e.g. apprenticeship or work."
    )


class StageSkipped(ChainEvent):
    """A planned stage was skipped."""

    event_type: ClassVar[str] = "kette.chain.stage_skipped.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        stage="school",
        reason="caseworker_decision",
        skip_reason="achieved_elsewhere",
        skipped_by=EXAMPLE_CASEWORKER,
    )

    stage: Stage = Field(description="Stage skipped.")
    reason: PlanReason = Field(description="Why it was skipped.")
    skip_reason: SkipReason | None = Field(
        default=None, description="The caseworker's reason, when she skipped it."
    )
    skipped_by: Actor | None = Field(default=None, description="Caseworker who decided.")


class ChainReplanned(ChainEvent):
    """The plan changed; the new plan replaces the old one."""

    event_type: ClassVar[str] = "kette.chain.replanned.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT, reason="profile_updated", plan=_EXAMPLE_PLAN
    )

    reason: ReplanReason = Field(description="What made the plan change.")
    plan: tuple[PlannedStage, ...] = Field(min_length=1, description="New stages in order.")
    goal_stage: Stage | None = Field(default=None, description="Last stage the new plan aims for.")
    decided_by: Actor | None = Field(
        default=None, description="Caseworker whose decision changed the plan, if one did."
    )


class ChainPaused(ChainEvent):
    """The chain is paused: nothing new opens, the provider's answer deadline and the case
    review hold (on resume they move back by the pause); the end of eligibility at 27, a
    residence permit's expiry and the job follow-up keep running."""

    event_type: ClassVar[str] = "kette.chain.paused.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        reason="childcare",
        paused_on="2024-05-02",
        expected_resume_on="2024-06-01",
    )

    reason: PauseReason = Field(description="Pause category.")
    paused_on: EventDate = Field(description="First day of the pause.")
    expected_resume_on: EventDate | None = Field(
        default=None, description="Expected end, if known."
    )
    paused_by: Actor | None = Field(default=None, description="Caseworker who decided.")


class ChainResumed(ChainEvent):
    """The chain continues after a pause."""

    event_type: ClassVar[str] = "kette.chain.resumed.v1"
    model_config = example_config(participant_id=EXAMPLE_PARTICIPANT, resumed_on="2024-06-03")

    resumed_on: EventDate = Field(description="Day the chain continued.")
    resumed_by: Actor | None = Field(default=None, description="Caseworker who decided.")


class TaskOpened(ChainEvent):
    """A task for the caseworker was opened."""

    event_type: ClassVar[str] = "kette.chain.task_opened.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        task_id="task-000311",
        kind="provider_reminder",
        due_on="2024-03-20",
        stage="language",
        referral_id=EXAMPLE_REFERRAL,
    )

    task_id: Identifier = Field(description="Id of the task.")
    kind: TaskKind = Field(description="What the task is about.")
    due_on: EventDate | None = Field(default=None, description="Day the task should be done by.")
    stage: Stage | None = Field(default=None, description="Stage concerned, if any.")
    referral_id: Identifier | None = Field(default=None, description="Referral concerned, if any.")


class TaskClosed(ChainEvent):
    """A task for the caseworker was closed."""

    event_type: ClassVar[str] = "kette.chain.task_closed.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        task_id="task-000311",
        kind="provider_reminder",
        resolution="done",
    )

    task_id: Identifier = Field(description="Id of the task.")
    kind: TaskKind = Field(description="What the task was about.")
    resolution: TaskResolution = Field(description="How it was closed.")
    closed_by: Actor | None = Field(
        default=None, description="Caseworker who did it; absent when events made it moot."
    )


class SharingStopped(ChainEvent):
    """Data is no longer shared with providers; their open referrals are withdrawn."""

    event_type: ClassVar[str] = "kette.chain.sharing_stopped.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        reason="consent_withdrawn",
        withdrawn_referral_ids=[EXAMPLE_REFERRAL],
    )

    reason: SharingStopReason = Field(description="Why sharing stopped.")
    withdrawn_referral_ids: tuple[Identifier, ...] = Field(
        default=(), description="Referrals withdrawn because of it."
    )


class ChainClosed(ChainEvent):
    """The chain ended."""

    event_type: ClassVar[str] = "kette.chain.closed.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        reason="handed_to_jobcenter",
        closed_on="2025-02-28",
        last_stage="apprenticeship",
        activity_at_exit="apprenticeship",
    )

    reason: ClosureReason = Field(description="Why the chain ended.")
    closed_on: EventDate = Field(description="Day the chain ended.")
    last_stage: Stage | None = Field(default=None, description="Stage reached last, if any.")
    activity_at_exit: Activity = Field(description="Training or work at exit, for the figures.")
    closed_by: Actor | None = Field(
        default=None, description="Caseworker who closed it; absent when a rule or timer did."
    )


class SharingResumed(ChainEvent):
    """Consent was given again; data may be shared with providers for new referrals."""

    event_type: ClassVar[str] = "kette.chain.sharing_resumed.v1"
    model_config = example_config(participant_id=EXAMPLE_PARTICIPANT)


class OffersReceived(ChainEvent):
    """Matching's proposals reached the chain; the caseworker now chooses among them."""

    event_type: ClassVar[str] = "kette.chain.offers_received.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        request_id=EXAMPLE_REQUEST,
        stage="language",
        offer_ids=[EXAMPLE_OFFER, "offer-f4-kamen-2024-1"],
    )

    request_id: Identifier = Field(description="Referral request the proposals answered.")
    stage: Stage = Field(description="Stage the offers are for.")
    offer_ids: tuple[Identifier, ...] = Field(
        min_length=1, description="Offers not yet tried for the stage, best first."
    )


class IgnoredReason(StrEnum):
    """Why the chain took no effect from an input; a closed list, so nothing personal slips in."""

    UNKNOWN_REFERRAL = "unknown_referral"
    WRONG_PROVIDER = "wrong_provider"
    DUPLICATE = "duplicate"
    REFERRAL_CLOSED = "referral_closed"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN_REQUEST = "unknown_request"
    CASE_CLOSED = "case_closed"
    INCOMPLETE = "incomplete"


class InputIgnored(ChainEvent):
    """A provider report or match result reached the chain and changed nothing: operators and
    the figures count these (a provider reporting out of order, on a stranger's referral)."""

    event_type: ClassVar[str] = "kette.chain.input_ignored.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        input="provider_report",
        reference=EXAMPLE_REFERRAL,
        reason="not_applicable",
        input_event_id="9b2f7c1e-4a4d-4c8e-9f0e-2d3b5a6c7d8e",
    )

    input: Literal["provider_report", "match_result"] = Field(description="What arrived.")
    reference: Identifier = Field(description="The referral or match request it named.")
    reason: IgnoredReason = Field(description="Why it changed nothing.")
    input_event_id: Identifier | None = Field(
        default=None, description="ce_id of the input's own event, where there is one."
    )


class NoOfferFoundForStage(ChainEvent):
    """Nothing usable came back for a stage (Angebotslücke), including only offers already tried."""

    event_type: ClassVar[str] = "kette.chain.no_offer_found.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        request_id=EXAMPLE_REQUEST,
        stage="school",
        modules=["F3", "F1"],
    )

    request_id: Identifier = Field(description="Referral request that found nothing.")
    stage: Stage = Field(description="Stage without an offer.")
    modules: tuple[Module, ...] = Field(default=(), description="Support modules searched for.")


class JobStarted(ChainEvent):
    """Employment subject to social insurance began; a follow-up checks that it lasts."""

    event_type: ClassVar[str] = "kette.chain.job_started.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT, started_on="2025-09-01", follow_up_due_on="2026-03-01"
    )

    started_on: EventDate = Field(description="First day of the job.")
    follow_up_due_on: EventDate = Field(description="Day the follow-up on sustained work is due.")


class FollowUpRecorded(ChainEvent):
    """The follow-up after a job start was done."""

    event_type: ClassVar[str] = "kette.chain.follow_up_recorded.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT, still_employed=True, recorded_by=EXAMPLE_CASEWORKER
    )

    still_employed: bool = Field(description="The job still existed at the follow-up.")
    recorded_by: Actor = Field(description="Caseworker who did the follow-up.")


class GoalChanged(ChainEvent):
    """A new goal was agreed; a replanned event with the new plan follows."""

    event_type: ClassVar[str] = "kette.chain.goal_changed.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        previous_goal_stage="apprenticeship",
        goal={"target_stage": "job"},
        changed_by=EXAMPLE_CASEWORKER,
    )

    previous_goal_stage: Stage = Field(description="Last stage the old goal aimed for.")
    goal: Goal = Field(description="The new goal.")
    changed_by: Actor = Field(description="Caseworker who recorded the new goal.")


class ProfileFactsUpdated(ChainEvent):
    """Assessed facts changed in the chain (a decision or a passed exam); only changes are set."""

    event_type: ClassVar[str] = "kette.chain.profile_facts_updated.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT, language_level="B1", updated_by=EXAMPLE_CASEWORKER
    )

    language_level: LanguageLevel | None = Field(default=None, description="New German level.")
    school_certificate: SchoolCertificate | None = Field(
        default=None, description="New school certificate."
    )
    vocational_qualification: VocationalQualification | None = Field(
        default=None, description="New vocational qualification."
    )
    employment_ban: bool | None = Field(
        default=None, description="Whether a ban on employment now applies."
    )
    childcare_needed: bool | None = Field(
        default=None, description="Whether participation now needs childcare."
    )
    updated_by: Actor | None = Field(
        default=None, description="Caseworker who entered it; absent when an exam result did."
    )


class EligibilityExceptionRecorded(ChainEvent):
    """A justified exception to the age limit of 27 was recorded; the chain may go on past it."""

    event_type: ClassVar[str] = "kette.chain.eligibility_exception_recorded.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        exception="finish_ongoing_stage",
        recorded_by=EXAMPLE_CASEWORKER,
    )

    exception: EligibilityException = Field(description="Kind of justified exception.")
    recorded_by: Actor = Field(description="Caseworker who recorded it.")
