"""Caseworker decisions: one input model each, with its check (raising changes nothing) and
its effect, so a decision lives in one place. `Chain.decide` checks once, then applies."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.base import ActorId, Identifier, ProviderId
from kette_core.contracts.chain import (
    OfferChoice,
    PauseReason,
    ReplanReason,
    SkipReason,
    TaskResolution,
)
from kette_core.contracts.vocabulary import (
    Constraints,
    Goal,
    LanguageLevel,
    Module,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)
from kette_workflows.domain import stages
from kette_workflows.domain.events import (
    CasePaused,
    CaseResumed,
    EligibilityExceptionRecorded,
    FollowUpRecorded,
    GoalChanged,
    ProfileFactsUpdated,
    StagesReordered,
)
from kette_workflows.domain.labels_de import PHASE_DE, STAGE_DE, date_de
from kette_workflows.domain.profile import EligibilityException
from kette_workflows.domain.referrals import Offer, OutcomeDetails, outcome_allowed, refer
from kette_workflows.domain.rejections import (
    reject,
    require_consent,
    require_module,
    require_open_case,
    require_phase,
    require_running,
    require_untried,
)
from kette_workflows.domain.state import ChainState, PauseInfo
from kette_workflows.domain.tasks import DECISION_TASKS, close_task, close_tasks
from kette_workflows.domain.timers import push_back_held
from kette_workflows.domain.vocabulary import (
    ChainStatus,
    CloseReason,
    ReferralStatus,
    ReorderReason,
    ReportKind,
    ReportSource,
    StagePhase,
    TaskKind,
)

if TYPE_CHECKING:
    from kette_workflows.domain.case import Case


class Decision(BaseModel):
    """Every decision is attributable to a pseudonymous caseworker id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ClassVar[str]
    """The decision's name: its Temporal Update and its path in the HTTP API."""

    caseworker_id: ActorId

    def check(self, state: ChainState, now: datetime) -> None:
        """Raise DecisionRejected if the decision does not fit the state; never changes it."""
        require_open_case(state)

    def apply(self, case: Case) -> None:
        """Change the state and record the events; `check` has passed."""
        raise NotImplementedError


class ConfirmOffer(Decision):
    """Refer to one of the offers matching proposed."""

    name: ClassVar[str] = "confirm_offer"

    stage: Stage
    offer_id: str

    def check(self, state: ChainState, now: datetime) -> None:
        """Only an offer matching proposed for a stage awaiting a decision."""
        _require_referable(state, self.stage, self.offer_id, stages.AWAITING_DECISION)
        progress = state.progress(self.stage)
        offer = next((o for o in progress.open_proposals() if o.offer_id == self.offer_id), None)
        if offer is None:
            reject(
                "offer_id",
                f"offer {self.offer_id} was not proposed for stage {self.stage.value}",
                f"Das Angebot {self.offer_id} wurde für diese Stufe nicht vorgeschlagen.",
            )
        require_module(state, self.stage, offer.module, "offer_id")

    def apply(self, case: Case) -> None:
        """Refer to the proposed offer."""
        progress = case.state.progress(self.stage)
        proposed = next(o for o in progress.proposals if o.offer_id == self.offer_id)
        offer = Offer(proposed.offer_id, proposed.provider_id, progress.module_of(proposed.module))
        refer(case, progress, offer, OfferChoice.PROPOSED, self.caseworker_id)


class ChooseOtherOffer(Decision):
    """Refer to an offer the caseworker found herself."""

    name: ClassVar[str] = "choose_other_offer"

    stage: Stage
    offer_id: Identifier
    provider_id: ProviderId
    module: Module | None = None

    def check(self, state: ChainState, now: datetime) -> None:
        """An offer of her own, while matching runs or after it answered."""
        _require_referable(state, self.stage, self.offer_id, stages.REFERABLE)
        require_module(state, self.stage, self.module, "module")

    def apply(self, case: Case) -> None:
        """Refer to her offer."""
        progress = case.state.progress(self.stage)
        offer = Offer(self.offer_id, self.provider_id, progress.module_of(self.module))
        refer(case, progress, offer, OfferChoice.CASEWORKER_FOUND, self.caseworker_id)


class RequestNewMatch(Decision):
    """Ask matching again, e.g. after a drop-out or when no offer fitted."""

    name: ClassVar[str] = "request_new_match"

    stage: Stage

    def check(self, state: ChainState, now: datetime) -> None:
        """A new search only when the last one has answered, and only with a module."""
        require_open_case(state)
        require_running(state)
        require_consent(state)
        require_phase(state, self.stage, stages.AWAITING_DECISION)
        if state.progress(self.stage).primary_module is None:
            reject(
                "stage",
                f"stage {self.stage.value} has no module to search offers for",
                "Für diese Stufe gibt es keinen Förderbaustein, nach dem gesucht werden könnte.",
            )

    def apply(self, case: Case) -> None:
        """Search again, excluding offers already tried."""
        close_tasks(case, DECISION_TASKS, stage=self.stage)
        stages.request_match(case, case.state.progress(self.stage))


class SkipStage(Decision):
    """Leave a stage out."""

    name: ClassVar[str] = "skip_stage"

    stage: Stage
    reason: SkipReason

    def check(self, state: ChainState, now: datetime) -> None:
        """Any stage not yet finished may be skipped."""
        require_open_case(state)
        progress = state.progress(self.stage)
        if progress.finished:
            reject(
                "stage",
                f"stage {self.stage.value} is already {progress.phase.value}",
                f"Die Stufe {STAGE_DE[self.stage]} ist bereits {PHASE_DE[progress.phase]}.",
            )

    def apply(self, case: Case) -> None:
        """Skip it; a referral still with a provider is withdrawn."""
        stages.skip(case, self.stage, self.reason, self.caseworker_id)


class ReorderStages(Decision):
    """New order of the stages not yet begun."""

    name: ClassVar[str] = "reorder_stages"

    order: list[Stage]
    reason: ReorderReason

    def check(self, state: ChainState, now: datetime) -> None:
        """The new order must name exactly the stages not yet begun, each once."""
        require_open_case(state)
        pending = [p.stage for p in state.stages if p.phase == StagePhase.PENDING]
        if len(self.order) != len(set(self.order)) or set(self.order) != set(pending):
            names = ", ".join(stage.value for stage in pending) or "none"
            reject(
                "order",
                f"order must list each stage not yet begun exactly once ({names})",
                "Die Reihenfolge muss jede noch nicht begonnene Stufe genau einmal enthalten.",
            )

    def apply(self, case: Case) -> None:
        """The stages not yet begun take the new order in their old slots."""
        state = case.state
        slots = [i for i, p in enumerate(state.stages) if p.phase == StagePhase.PENDING]
        moved = [state.progress(stage) for stage in self.order]
        for slot, progress in zip(slots, moved, strict=True):
            state.stages[slot] = progress
        case.emit(
            StagesReordered(
                **case.meta(),
                order=self.order,
                reason=self.reason,
                decided_by=self.caseworker_id,
                goal_stage=state.profile.goal.target_stage,
                stages=stages.summarise(state.stages),
            )
        )
        stages.advance(case)


class RecordOutcome(Decision):
    """An outcome the provider did not report; without referral_id it concerns the stage."""

    name: ClassVar[str] = "record_outcome"

    stage: Stage
    outcome: ReportKind
    referral_id: str | None = None
    occurred_on: date | None = Field(default=None, description="Day it happened; default today.")
    attendance_percent: int | None = Field(default=None, ge=0, le=100)
    exam_passed: bool | None = None
    exam_level: LanguageLevel | None = None

    def check(self, state: ChainState, now: datetime) -> None:
        """The outcome must fit the referral's status, or the stage's phase without one."""
        require_open_case(state)
        if self.outcome == ReportKind.ATTENDANCE and self.attendance_percent is None:
            reject("attendance_percent", "attendance needs a percentage", "Anwesenheit in % fehlt.")
        if self.outcome == ReportKind.EXAM_RESULT and self.exam_passed is None:
            reject(
                "exam_passed", "an exam result needs passed or failed", "Prüfungsergebnis fehlt."
            )
        if self.occurred_on is not None and self.occurred_on > now.date():
            reject(
                "occurred_on",
                f"{self.occurred_on.isoformat()} lies in the future",
                "Das Datum liegt in der Zukunft.",
            )
        if self.referral_id is not None:
            self._check_referral(state, self.referral_id)
        else:
            self._check_stage(state)

    def _check_referral(self, state: ChainState, referral_id: str) -> None:
        """The referral must exist, belong to the stage and be in a fitting status."""
        referral = state.referral(referral_id)
        if referral is None or referral.stage != self.stage:
            reject(
                "referral_id",
                f"referral {referral_id} does not exist for stage {self.stage.value}",
                f"Die Zuweisung {referral_id} gibt es für diese Stufe nicht.",
            )
        if not outcome_allowed(state, referral, self.outcome, ReportSource.CASEWORKER):
            reject(
                "outcome",
                f"outcome {self.outcome.value} is not possible for a referral that is "
                f"{referral.status.value}",
                "Dieses Ergebnis passt nicht zum Stand der Zuweisung.",
            )

    def _check_stage(self, state: ChainState) -> None:
        """Without a referral: none may be open, and the outcome must fit the phase."""
        open_referral = state.open_referral(self.stage)
        if open_referral is not None:
            reject(
                "referral_id",
                f"stage {self.stage.value} has open referral {open_referral.referral_id}; "
                "record the outcome on it",
                "Für diese Stufe läuft eine Zuweisung: bitte das Ergebnis dort eintragen.",
            )
        phase = state.progress(self.stage).phase
        if not stages.stage_outcome_allowed(phase, self.outcome):
            reject(
                "outcome",
                f"outcome {self.outcome.value} cannot be recorded for stage "
                f"{self.stage.value} in phase {phase.value} without a referral",
                f"Dieses Ergebnis passt nicht zur Stufe {STAGE_DE[self.stage]} "
                f"({PHASE_DE[phase]}).",
            )

    def apply(self, case: Case) -> None:
        """The same effects as a provider's report, with the caseworker as source."""
        details = OutcomeDetails(
            source=ReportSource.CASEWORKER,
            occurred_on=self.occurred_on,
            attendance_percent=self.attendance_percent,
            exam_passed=self.exam_passed,
            exam_level=self.exam_level,
            decided_by=self.caseworker_id,
        )
        referral = case.state.referral(self.referral_id) if self.referral_id else None
        stages.apply_outcome(case, self.stage, referral, self.outcome, details)


class PauseCase(Decision):
    """Rest the case (personal circumstances such as illness or pregnancy, childcare, other)."""

    name: ClassVar[str] = "pause_case"

    reason: PauseReason

    def check(self, state: ChainState, now: datetime) -> None:
        """Only a running case can rest."""
        require_open_case(state)
        if state.is_paused:
            reject("status", "case is already paused", "Der Fall ruht bereits.")

    def apply(self, case: Case) -> None:
        """Nothing new opens, and the provider deadline and the review hold, until it resumes."""
        case.state.status = ChainStatus.PAUSED
        case.state.pause = PauseInfo(reason=self.reason, since=case.now)
        case.emit(CasePaused(**case.meta(), reason=self.reason, decided_by=self.caseworker_id))


class ResumeCase(Decision):
    """End the pause."""

    name: ClassVar[str] = "resume_case"

    def check(self, state: ChainState, now: datetime) -> None:
        """Only a resting case can resume."""
        require_open_case(state)
        if not state.is_paused:
            reject("status", "case is not paused", "Der Fall ruht nicht.")

    def apply(self, case: Case) -> None:
        """Run again: held deadlines move by the pause, and what waited opens."""
        pause: PauseInfo | None = case.state.pause
        case.state.status = ChainStatus.ACTIVE
        case.state.pause = None
        if pause is not None:
            push_back_held(case, pause.since)
        case.emit(CaseResumed(**case.meta(), decided_by=self.caseworker_id))
        stages.advance(case)


class ChangeGoal(Decision):
    """Agree a new goal; the chain re-plans and keeps completed stages."""

    name: ClassVar[str] = "change_goal"

    goal: Goal

    def check(self, state: ChainState, now: datetime) -> None:
        """A goal change must change the goal."""
        require_open_case(state)
        if self.goal == state.profile.goal:
            reject(
                "goal",
                f"goal is already {self.goal.target_stage.value}",
                "Dieses Ziel ist bereits vereinbart.",
            )

    def apply(self, case: Case) -> None:
        """A new goal means a new plan; completed stages stay completed."""
        previous = case.state.profile.goal.target_stage
        case.state.profile = case.state.profile.with_changes(goal=self.goal)
        case.emit(
            GoalChanged(
                **case.meta(),
                previous_goal_stage=previous,
                goal_stage=self.goal.target_stage,
                occupation_field=self.goal.occupation_field,
                decided_by=self.caseworker_id,
            )
        )
        stages.replan(case, ReplanReason.GOAL_CHANGED)


class UpdateProfile(Decision):
    """Newly assessed facts; the chain re-plans. Only set fields change."""

    name: ClassVar[str] = "update_profile"

    language_level: LanguageLevel | None = None
    school_certificate: SchoolCertificate | None = None
    vocational_qualification: VocationalQualification | None = None
    constraints: Constraints | None = None

    def changes(self, state: ChainState) -> dict[str, Any]:
        """The fields of the update that differ from the profile."""
        current = state.profile
        return {
            name: value
            for name in (
                "language_level",
                "school_certificate",
                "vocational_qualification",
                "constraints",
            )
            if (value := getattr(self, name)) is not None and value != getattr(current, name)
        }

    def check(self, state: ChainState, now: datetime) -> None:
        """An update must change at least one fact."""
        require_open_case(state)
        if not self.changes(state):
            reject("profile", "the update changes no fact", "Die Angaben ändern nichts.")

    def apply(self, case: Case) -> None:
        """Take the new facts and plan again with them."""
        changes = self.changes(case.state)
        case.state.profile = case.state.profile.with_changes(**changes)
        constraints = self.constraints if "constraints" in changes else None
        case.emit(
            ProfileFactsUpdated(
                **case.meta(),
                language_level=changes.get("language_level"),
                school_certificate=changes.get("school_certificate"),
                vocational_qualification=changes.get("vocational_qualification"),
                employment_ban=constraints.employment_ban if constraints else None,
                childcare_needed=constraints.childcare_needed if constraints else None,
                decided_by=self.caseworker_id,
            )
        )
        stages.replan(case, ReplanReason.PROFILE_UPDATED)


class CloseCase(Decision):
    """End the case; a residence permit hands it over to the Jobcenter."""

    name: ClassVar[str] = "close_case"

    reason: CloseReason

    def apply(self, case: Case) -> None:
        """A case closes once (the base check)."""
        stages.close_case(case, self.reason, self.caseworker_id)


class RecordEligibilityException(Decision):
    """Record a justified exception to the age limit of 27."""

    name: ClassVar[str] = "record_eligibility_exception"

    exception: EligibilityException

    def check(self, state: ChainState, now: datetime) -> None:
        """One recorded exception per case."""
        require_open_case(state)
        if state.profile.eligibility_exception is not None:
            reject(
                "exception",
                "an eligibility exception is already recorded",
                "Eine Ausnahme von der Altersgrenze ist bereits dokumentiert.",
            )

    def apply(self, case: Case) -> None:
        """The case may go past 27; the age warnings of the plan go away."""
        state = case.state
        state.profile = state.profile.with_changes(eligibility_exception=self.exception)
        case.emit(
            EligibilityExceptionRecorded(
                **case.meta(), exception=self.exception, decided_by=self.caseworker_id
            )
        )
        close_tasks(case, frozenset({TaskKind.ELIGIBILITY_ENDING}))
        stages.replan(case, ReplanReason.ELIGIBILITY_EXCEPTION)


class RecordFollowUp(Decision):
    """Result of the follow-up after a job start."""

    name: ClassVar[str] = "record_follow_up"

    still_employed: bool

    def check(self, state: ChainState, now: datetime) -> None:
        """Recorded once it is due; earlier, a job loss is a drop-out."""
        require_open_case(state)
        require_phase(state, Stage.JOB, frozenset({StagePhase.FOLLOW_UP}))
        due_on = state.progress(Stage.JOB).follow_up_due_on
        if due_on is not None and now.date() < due_on:
            reject(
                "follow_up_due_on",
                f"the follow-up is due on {due_on.isoformat()}; record a drop-out if the job ended",
                f"Die Nachbetreuung ist erst am {date_de(due_on)} fällig.",
            )

    def apply(self, case: Case) -> None:
        """Job still there: sustained work closes the case. Otherwise the job stage reopens."""
        state = case.state
        progress = state.progress(Stage.JOB)
        case.emit(
            FollowUpRecorded(
                **case.meta(), still_employed=self.still_employed, decided_by=self.caseworker_id
            )
        )
        for task in state.open_tasks():
            if task.kind == TaskKind.FOLLOW_UP:
                close_task(case, task, TaskResolution.DONE, self.caseworker_id)
        referral = state.open_referral(Stage.JOB)
        if self.still_employed:
            if referral is not None:
                referral.status = ReferralStatus.COMPLETED
            stages.complete(case, progress, advance_after=False)
            stages.close_case(case, CloseReason.SUSTAINED_WORK, self.caseworker_id)
            return
        if referral is not None:
            referral.status = ReferralStatus.DROPPED_OUT
            progress.tried_offer_ids.append(referral.offer_id)
        stages.return_to_decision(case, progress)


class CompleteTask(Decision):
    """Mark a task done."""

    name: ClassVar[str] = "complete_task"

    task_id: str

    def check(self, state: ChainState, now: datetime) -> None:
        """Only an open task can be done."""
        require_open_case(state)
        task = state.task(self.task_id)
        if task is None or not task.is_open:
            reject(
                "task_id",
                f"task {self.task_id} is unknown or already closed",
                "Diese Aufgabe gibt es nicht oder sie ist bereits erledigt.",
            )

    def apply(self, case: Case) -> None:
        """The caseworker did what the task asked."""
        task = case.state.task(self.task_id)
        if task is not None:
            close_task(case, task, TaskResolution.DONE, self.caseworker_id)


def _require_referable(
    state: ChainState, stage: Stage, offer_id: str, phases: frozenset[StagePhase]
) -> None:
    """What every referral needs: an open, running case with consent, the stage in `phases`,
    and an offer not tried before."""
    require_open_case(state)
    require_running(state)
    require_consent(state)
    require_phase(state, stage, phases)
    require_untried(state, stage, offer_id)


DECISION_TYPES: dict[str, type[Decision]] = {
    kind.name: kind
    for kind in (
        ConfirmOffer,
        ChooseOtherOffer,
        RequestNewMatch,
        SkipStage,
        ReorderStages,
        RecordOutcome,
        PauseCase,
        ResumeCase,
        ChangeGoal,
        UpdateProfile,
        CloseCase,
        RecordEligibilityException,
        RecordFollowUp,
        CompleteTask,
    )
}
"""Every decision by name: the one registry the workflow, the client and the API read."""
