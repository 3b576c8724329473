"""The stages of a chain: open, match, enter, complete, skip, re-plan and close; every set of
phases the chain reasons about is defined here."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.base import ActorId
from kette_core.contracts.chain import IgnoredReason, PlannedStageStatus, ReplanReason, SkipReason
from kette_core.contracts.vocabulary import Activity, Module, Stage
from kette_workflows.domain.conditions import holds
from kette_workflows.domain.events import (
    CaseClosed,
    CaseHandedOver,
    JobStarted,
    NoOfferFound,
    OffersReceived,
    PlanChanged,
    ReferralRequested,
    StageCompleted,
    StageOpened,
    StageSkipped,
    StageSummary,
)
from kette_workflows.domain.facts import profile_facts
from kette_workflows.domain.inputs import MatchResult, ProposedOffer
from kette_workflows.domain.labels_de import STAGE_DE
from kette_workflows.domain.planning import PlannedStage, overlaps, plan_chain
from kette_workflows.domain.reasons import render_partial
from kette_workflows.domain.referrals import OutcomeDetails, Referral, record_outcome, withdraw
from kette_workflows.domain.schedule import add_months
from kette_workflows.domain.tasks import ATTEMPT_TASKS, DECISION_TASKS, close_tasks, open_task
from kette_workflows.domain.vocabulary import (
    ChainStatus,
    CloseReason,
    ReportKind,
    StagePhase,
    TaskKind,
    WithdrawReason,
)

if TYPE_CHECKING:
    from kette_workflows.domain.case import Case

FINISHED = frozenset(
    {StagePhase.COMPLETED, StagePhase.SKIPPED, StagePhase.MET_AT_ENTRY, StagePhase.NOT_ELIGIBLE}
)
"""Done, skipped or not applicable: the stage no longer holds back later ones."""
WORKING = frozenset(
    {
        StagePhase.MATCHING,
        StagePhase.AWAITING_DECISION,
        StagePhase.REFERRED,
        StagePhase.IN_PROGRESS,
        StagePhase.FOLLOW_UP,
        StagePhase.ONGOING,
    }
)
"""Being worked on now: a re-plan keeps these if the new plan still wants the stage."""
REACHED = WORKING | {StagePhase.COMPLETED}
"""Worked on or completed: how far a case got when it closes (met at entry does not count)."""
AWAITING_DECISION = frozenset({StagePhase.AWAITING_DECISION})
"""Matching answered (or there was nothing to search): the caseworker picks the next step."""
REFERABLE = frozenset({StagePhase.MATCHING, StagePhase.AWAITING_DECISION})
"""A caseworker may refer to an offer of her own while matching runs or after it answered."""
WITH_PROVIDER = frozenset({StagePhase.REFERRED, StagePhase.IN_PROGRESS})
"""A referral is out: withdrawn consent sends the stage back to the caseworker's decision."""
STAGE_OUTCOMES: dict[ReportKind, frozenset[StagePhase]] = {
    ReportKind.ENROLLED: REFERABLE,
    ReportKind.COMPLETED: REFERABLE | {StagePhase.IN_PROGRESS, StagePhase.ONGOING},
    ReportKind.DROPPED_OUT: frozenset(
        {StagePhase.IN_PROGRESS, StagePhase.ONGOING, StagePhase.FOLLOW_UP}
    ),
}
"""Outcomes the caseworker may record for a stage without a referral (found on her own)."""
_ACTIVITY_BY_STAGE: tuple[tuple[Stage, frozenset[StagePhase], Activity], ...] = (
    (Stage.JOB, frozenset({StagePhase.FOLLOW_UP, StagePhase.ONGOING}), Activity.WORK),
    (Stage.APPRENTICESHIP, frozenset({StagePhase.ONGOING}), Activity.APPRENTICESHIP),
    (Stage.SCHOOL, frozenset({StagePhase.IN_PROGRESS, StagePhase.ONGOING}), Activity.SCHOOL),
    (
        Stage.LANGUAGE,
        frozenset({StagePhase.IN_PROGRESS, StagePhase.ONGOING}),
        Activity.LANGUAGE_COURSE,
    ),
)
"""What the person does, furthest stage first: a job outranks an apprenticeship running
alongside a language course; a completed stage counts by what it leads to (`activity_after`)."""
_CHAIN_ORDER = (Stage.LANGUAGE, Stage.SCHOOL, Stage.APPRENTICESHIP, Stage.JOB)
_INITIAL_PHASE = {
    PlannedStageStatus.PLANNED: StagePhase.PENDING,
    PlannedStageStatus.MET_AT_ENTRY: StagePhase.MET_AT_ENTRY,
    PlannedStageStatus.SKIPPED: StagePhase.SKIPPED,
    PlannedStageStatus.NOT_ELIGIBLE: StagePhase.NOT_ELIGIBLE,
    PlannedStageStatus.COMPLETED: StagePhase.COMPLETED,
}


class StageProgress(BaseModel):
    """A planned stage and how far the chain got with it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

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
        """Done, skipped or not applicable."""
        return self.phase in FINISHED

    @property
    def primary_module(self) -> Module | None:
        """The module the stage's offers are searched by; accompanying ones (F1) come after it."""
        return self.planned.modules[0] if self.planned.modules else None

    def open_proposals(self) -> list[ProposedOffer]:
        """Proposals not yet tried, best first."""
        return [offer for offer in self.proposals if offer.offer_id not in self.tried_offer_ids]

    def module_of(self, named: Module | None) -> Module:
        """An offer's own module, else the stage's; the decision's check makes sure there is one."""
        module = named or self.primary_module
        if module is None:
            raise ValueError(f"stage {self.stage.value}: a referral needs the offer's module")
        return module


def initial_progress(planned: PlannedStage) -> StageProgress:
    """A freshly planned stage; one already running at entry is `ongoing` until recorded done."""
    phase = StagePhase.ONGOING if planned.ongoing_at_entry else _INITIAL_PHASE[planned.status]
    return StageProgress(planned=planned, phase=phase)


def summarise(stages: list[StageProgress]) -> list[StageSummary]:
    """The plan without German texts, for events."""
    return [
        StageSummary(
            stage=p.stage,
            status=p.planned.status,
            reason=p.planned.reason,
            ongoing_at_entry=p.planned.ongoing_at_entry,
            modules=p.planned.modules,
            target=p.planned.target,
        )
        for p in stages
    ]


def current_stages(stages: list[StageProgress]) -> list[Stage]:
    """Stages being worked on now, e.g. for a search attribute."""
    return [p.stage for p in stages if p.phase != StagePhase.PENDING and not p.finished]


# -- opening and matching ---------------------------------------------------------------------


def advance(case: Case) -> None:
    """Open every stage no longer held back; nothing opens while paused or without consent."""
    state = case.state
    if state.status != ChainStatus.ACTIVE or not state.profile.consent_to_share:
        return
    for index, progress in enumerate(state.stages):
        if progress.phase != StagePhase.PENDING:
            continue
        if any(_holds_back(earlier, progress) for earlier in state.stages[:index]):
            continue
        case.emit(StageOpened(**case.meta(), stage=progress.stage, attempt=progress.attempts + 1))
        request_match(case, progress)
    plan_done = all(progress.finished for progress in state.stages)
    if plan_done and not state.plan_completed_task_opened:
        open_task(case, TaskKind.PLAN_COMPLETED)


def request_match(case: Case, progress: StageProgress) -> None:
    """Ask matching for ranked offers; a stage without a module has nothing to search for."""
    progress.proposals = []
    if not progress.planned.modules:
        progress.phase = StagePhase.AWAITING_DECISION
        open_task(case, TaskKind.ARRANGE_STAGE, progress.stage)
        return
    progress.request_id = case.state.next_request_id()
    progress.phase = StagePhase.MATCHING
    profile = case.state.profile
    case.emit(
        ReferralRequested(
            **case.meta(),
            request_id=progress.request_id,
            stage=progress.stage,
            modules=progress.planned.modules,
            target=progress.planned.target,
            attempt=progress.attempts + 1,
            excluded_offer_ids=list(progress.tried_offer_ids),
            kommune=profile.kommune,
            language_level=profile.language_level,
            childcare_needed=profile.constraints.childcare_needed,
            employment_ban=profile.constraints.employment_ban,
        )
    )


def take_offers(case: Case, result: MatchResult) -> IgnoredReason | None:
    """Matching answered; no offers is a gap the caseworker must solve."""
    state = case.state
    progress = next((p for p in state.stages if p.request_id == result.request_id), None)
    if state.is_closed:
        return IgnoredReason.CASE_CLOSED
    if progress is None:
        return IgnoredReason.UNKNOWN_REQUEST
    if progress.phase != StagePhase.MATCHING:
        return IgnoredReason.NOT_APPLICABLE
    untried = [o for o in result.offers if o.offer_id not in progress.tried_offer_ids]
    progress.proposals = sorted(untried, key=lambda offer: offer.rank)
    progress.phase = StagePhase.AWAITING_DECISION
    stage, request_id = progress.stage, result.request_id
    if progress.proposals:
        offer_ids = [offer.offer_id for offer in progress.proposals]
        case.emit(
            OffersReceived(**case.meta(), request_id=request_id, stage=stage, offer_ids=offer_ids)
        )
        open_task(case, TaskKind.CHOOSE_OFFER, stage)
    else:
        modules = progress.planned.modules
        case.emit(NoOfferFound(**case.meta(), request_id=request_id, stage=stage, modules=modules))
        open_task(case, TaskKind.NO_OFFER_FOUND, stage)
    return None


# -- outcomes ---------------------------------------------------------------------------------


def apply_outcome(
    case: Case, stage: Stage, referral: Referral | None, kind: ReportKind, details: OutcomeDetails
) -> None:
    """Record the outcome on the referral (if any), then move the stage."""
    progress = case.state.progress(stage)
    record_outcome(case, stage, referral, kind, details)
    if kind == ReportKind.ENROLLED:
        _enter(case, progress, details)
    elif kind == ReportKind.COMPLETED:
        _finish(case, progress, details)
    elif kind in (ReportKind.REJECTED, ReportKind.DROPPED_OUT):
        if referral is not None:
            progress.tried_offer_ids.append(referral.offer_id)
        return_to_decision(case, progress)


def stage_outcome_allowed(phase: StagePhase, outcome: ReportKind) -> bool:
    """A referral-less outcome fits the stage's phase."""
    return phase in STAGE_OUTCOMES.get(outcome, frozenset())


def _enter(case: Case, progress: StageProgress, details: OutcomeDetails) -> None:
    """Enrolment starts the stage; for the job stage it starts the job and its follow-up."""
    close_tasks(case, DECISION_TASKS, stage=progress.stage)
    if progress.stage == Stage.JOB:
        start_job(case, progress, details.occurred_on or case.now.date())
    else:
        progress.phase = StagePhase.IN_PROGRESS
    facts = profile_facts(case.state.profile)
    for hint in case.state.programme.stage(progress.stage).on_enrolled:
        if holds(hint.when, facts):
            text = render_partial(hint.task_de, {"stage": STAGE_DE[progress.stage]})
            open_task(case, TaskKind.PROGRAMME_HINT, progress.stage, hint=text)


def _finish(case: Case, progress: StageProgress, details: OutcomeDetails) -> None:
    """Completion; a completed job placement means the job started, follow-up pending."""
    if progress.stage == Stage.JOB and progress.phase != StagePhase.ONGOING:
        if progress.phase != StagePhase.FOLLOW_UP:
            start_job(case, progress, details.occurred_on or case.now.date())
        return
    complete(case, progress, completed_on=details.occurred_on)


def start_job(case: Case, progress: StageProgress, started_on: date) -> None:
    """A job began: follow up after the programme's months to count sustained work."""
    months = case.state.programme.deadlines.job_follow_up_months
    progress.phase = StagePhase.FOLLOW_UP
    progress.job_started_on = started_on
    progress.follow_up_due_on = add_months(started_on, months)
    case.emit(
        JobStarted(**case.meta(), started_on=started_on, follow_up_due_on=progress.follow_up_due_on)
    )


def return_to_decision(case: Case, progress: StageProgress) -> None:
    """After a rejection, drop-out or lost job the caseworker picks the next try."""
    progress.phase = StagePhase.AWAITING_DECISION
    progress.job_started_on = None
    progress.follow_up_due_on = None
    progress.follow_up_task_opened = False
    close_tasks(case, ATTEMPT_TASKS, stage=progress.stage)
    kind = TaskKind.CHOOSE_OFFER if progress.planned.modules else TaskKind.ARRANGE_STAGE
    open_task(case, kind, progress.stage)


def complete(
    case: Case,
    progress: StageProgress,
    advance_after: bool = True,
    completed_on: date | None = None,
) -> None:
    """A stage is done; its tasks are moot and the next stages may open."""
    progress.phase = StagePhase.COMPLETED
    close_tasks(case, stage=progress.stage)
    case.emit(
        StageCompleted(
            **case.meta(),
            stage=progress.stage,
            completed_on=completed_on or case.now.date(),
            activity_after=activity_after(progress),
        )
    )
    if advance_after:
        advance(case)


def skip(case: Case, stage: Stage, reason: SkipReason, by: ActorId) -> None:
    """Leave a stage out; a referral still with a provider is withdrawn."""
    progress = case.state.progress(stage)
    referral = case.state.open_referral(stage)
    if referral is not None:
        withdraw(case, referral, WithdrawReason.STAGE_SKIPPED)
    progress.phase = StagePhase.SKIPPED
    close_tasks(case, stage=stage)
    case.emit(StageSkipped(**case.meta(), stage=stage, reason=reason, decided_by=by))
    advance(case)


def stop_sharing(case: Case) -> list[str]:
    """Consent withdrawn: take back every open referral; their stages wait for a decision."""
    withdrawn = []
    for referral in case.state.open_referrals():
        withdraw(case, referral, WithdrawReason.CONSENT_WITHDRAWN)
        progress = case.state.progress(referral.stage)
        if progress.phase in WITH_PROVIDER:
            progress.phase = StagePhase.AWAITING_DECISION
        withdrawn.append(referral.referral_id)
    return withdrawn


# -- re-planning ------------------------------------------------------------------------------


def replan(case: Case, cause: ReplanReason) -> None:
    """Plan again with the same function, keeping completed and running stages."""
    state = case.state
    completed = [p.stage for p in state.stages if p.phase == StagePhase.COMPLETED]
    plan = plan_chain(state.profile, state.programme, case.now.date(), completed)
    previous = {progress.stage: progress for progress in state.stages}
    state.stages = [_carry_over(case, previous[planned.stage], planned) for planned in plan.stages]
    state.plan_warnings_de = plan.warnings_de
    state.planned_on = plan.planned_on
    case.emit(
        PlanChanged(
            **case.meta(), cause=cause, goal_stage=plan.goal_stage, stages=summarise(state.stages)
        )
    )
    advance(case)


def _carry_over(case: Case, progress: StageProgress, planned: PlannedStage) -> StageProgress:
    """A running stage the new plan still wants keeps its progress; others start afresh."""
    still_wanted = planned.status == PlannedStageStatus.PLANNED or planned.ongoing_at_entry
    if progress.phase == StagePhase.COMPLETED or (progress.phase in WORKING and still_wanted):
        progress.planned = planned
        return progress
    if progress.phase in WORKING:
        referral = case.state.open_referral(progress.stage)
        if referral is not None:
            withdraw(case, referral, WithdrawReason.REPLANNED)
        close_tasks(case, stage=progress.stage)
    fresh = initial_progress(planned)
    fresh.tried_offer_ids = progress.tried_offer_ids
    fresh.attempts = progress.attempts
    return fresh


# -- closing ----------------------------------------------------------------------------------


def close_case(case: Case, reason: CloseReason, by: ActorId | None = None) -> None:
    """End the case: referrals withdrawn, tasks moot; a residence permit hands over."""
    state = case.state
    open_referrals = state.open_referrals()
    for referral in open_referrals:
        withdraw(case, referral, WithdrawReason.CASE_CLOSED)
    close_tasks(case)
    last_stage = last_stage_reached(state.stages)
    activity = activity_now(state.stages)
    withdrawn = [r.referral_id for r in open_referrals]
    handed_over = reason == CloseReason.RESIDENCE_PERMIT
    state.status = ChainStatus.HANDED_OVER if handed_over else ChainStatus.CLOSED
    state.close_reason = reason
    state.closed_at = case.now
    state.pause = None
    if handed_over:
        case.emit(
            CaseHandedOver(
                **case.meta(),
                reason=reason,
                last_stage=last_stage,
                activity_at_exit=activity,
                withdrawn_referral_ids=withdrawn,
            )
        )
    else:
        case.emit(
            CaseClosed(
                **case.meta(),
                reason=reason,
                decided_by=by,
                last_stage=last_stage,
                activity_at_exit=activity,
                withdrawn_referral_ids=withdrawn,
            )
        )


def last_stage_reached(stages: list[StageProgress]) -> Stage | None:
    """The furthest stage worked on or completed; met at entry alone does not count."""
    phases = {progress.stage: progress.phase for progress in stages}
    reached = [stage for stage in _CHAIN_ORDER if phases[stage] in REACHED]
    return reached[-1] if reached else None


def activity_now(stages: list[StageProgress]) -> Activity:
    """What the stages show the person doing; a preparation course (F4) counts as none."""
    by_stage = {progress.stage: progress for progress in stages}
    for stage, phases, activity in _ACTIVITY_BY_STAGE:
        progress = by_stage[stage]
        if progress.phase in phases or (
            progress.phase == StagePhase.COMPLETED and activity_after(progress) == activity
        ):
            return activity
    return Activity.NONE


def activity_after(progress: StageProgress) -> Activity | None:
    """Job stage done: work; apprenticeship stage done: a contract, unless it ran at entry."""
    if progress.stage == Stage.JOB:
        return Activity.WORK
    if progress.stage == Stage.APPRENTICESHIP and not progress.planned.ongoing_at_entry:
        return Activity.APPRENTICESHIP
    return None


def _holds_back(earlier: StageProgress, later: StageProgress) -> bool:
    """An unfinished earlier stage holds back a later one unless they may overlap."""
    if earlier.finished:
        return False
    return not overlaps(
        earlier.stage,
        earlier.planned.may_overlap_with,
        later.stage,
        later.planned.may_overlap_with,
    )
