"""Validators for caseworker decisions: they read the state, never change it (Update validators)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from kette_core.contracts.vocabulary import Stage
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
from kette_workflows.domain.guards import (
    reject,
    require_consent,
    require_module,
    require_open_case,
    require_phase,
    require_running,
    require_untried,
)
from kette_workflows.domain.labels_de import PHASE_DE, STAGE_DE, date_de
from kette_workflows.domain.state import ChainState
from kette_workflows.domain.transitions import referral_outcome_allowed, stage_outcome_allowed
from kette_workflows.domain.vocabulary import ChainStatus, ReportKind, StagePhase

_PROFILE_FIELDS = (
    "language_level",
    "school_certificate",
    "vocational_qualification",
    "constraints",
)
_DECIDING = frozenset({StagePhase.AWAITING_DECISION})
_REFERABLE = frozenset({StagePhase.MATCHING, StagePhase.AWAITING_DECISION})


def validate_confirm_offer(state: ChainState, decision: ConfirmOffer, now: datetime) -> None:
    """Only an offer matching proposed for a stage awaiting a decision."""
    require_open_case(state)
    require_running(state)
    require_consent(state)
    require_phase(state, decision.stage, _DECIDING)
    require_untried(state, decision.stage, decision.offer_id)
    progress = state.progress(decision.stage)
    offer = next((o for o in progress.open_proposals() if o.offer_id == decision.offer_id), None)
    if offer is None:
        reject(
            "offer_id",
            f"offer {decision.offer_id} was not proposed for stage {decision.stage.value}",
            f"Das Angebot {decision.offer_id} wurde für diese Stufe nicht vorgeschlagen.",
        )
    require_module(state, decision.stage, offer.module, "offer_id")


def validate_choose_other_offer(
    state: ChainState, decision: ChooseOtherOffer, now: datetime
) -> None:
    """An offer of her own, while matching runs or after it answered."""
    require_open_case(state)
    require_running(state)
    require_consent(state)
    require_phase(state, decision.stage, _REFERABLE)
    require_untried(state, decision.stage, decision.offer_id)
    require_module(state, decision.stage, decision.module, "module")


def validate_request_new_match(state: ChainState, decision: RequestNewMatch, now: datetime) -> None:
    """A new search only when the last one has answered."""
    require_open_case(state)
    require_running(state)
    require_consent(state)
    require_phase(state, decision.stage, _DECIDING)
    if state.progress(decision.stage).primary_module is None:
        reject(
            "stage",
            f"stage {decision.stage.value} has no module to search offers for",
            "Für diese Stufe gibt es keinen Förderbaustein, nach dem gesucht werden könnte.",
        )


def validate_skip_stage(state: ChainState, decision: SkipStage, now: datetime) -> None:
    """Any stage not yet finished may be skipped."""
    require_open_case(state)
    progress = state.progress(decision.stage)
    if progress.finished:
        reject(
            "stage",
            f"stage {decision.stage.value} is already {progress.phase.value}",
            f"Die Stufe {STAGE_DE[decision.stage]} ist bereits {PHASE_DE[progress.phase]}.",
        )


def validate_reorder_stages(state: ChainState, decision: ReorderStages, now: datetime) -> None:
    """The new order must name exactly the stages not yet begun, each once."""
    require_open_case(state)
    pending = [p.stage for p in state.stages if p.phase == StagePhase.PENDING]
    if len(decision.order) != len(set(decision.order)) or set(decision.order) != set(pending):
        names = ", ".join(stage.value for stage in pending) or "none"
        reject(
            "order",
            f"order must list each stage not yet begun exactly once ({names})",
            "Die Reihenfolge muss jede noch nicht begonnene Stufe genau einmal enthalten.",
        )


def validate_record_outcome(state: ChainState, decision: RecordOutcome, now: datetime) -> None:
    """An outcome must fit the referral's status, or the stage's phase when there is none."""
    require_open_case(state)
    _require_details(decision)
    if decision.occurred_on is not None and decision.occurred_on > now.date():
        reject(
            "occurred_on",
            f"{decision.occurred_on.isoformat()} lies in the future",
            "Das Datum liegt in der Zukunft.",
        )
    if decision.referral_id is not None:
        _validate_referral_outcome(state, decision, decision.referral_id)
        return
    open_referral = state.open_referral(decision.stage)
    if open_referral is not None:
        reject(
            "referral_id",
            f"stage {decision.stage.value} has open referral {open_referral.referral_id}; "
            "record the outcome on it",
            "Für diese Stufe läuft eine Zuweisung: bitte das Ergebnis dort eintragen.",
        )
    phase = state.progress(decision.stage).phase
    if not stage_outcome_allowed(phase, decision.outcome):
        reject(
            "outcome",
            f"outcome {decision.outcome.value} cannot be recorded for stage "
            f"{decision.stage.value} in phase {phase.value} without a referral",
            f"Dieses Ergebnis passt nicht zur Stufe {STAGE_DE[decision.stage]} "
            f"({PHASE_DE[phase]}).",
        )


def _validate_referral_outcome(state: ChainState, decision: RecordOutcome, ref_id: str) -> None:
    """The referral must exist, belong to the stage and be in a fitting status."""
    referral = state.referral(ref_id)
    if referral is None or referral.stage != decision.stage:
        reject(
            "referral_id",
            f"referral {ref_id} does not exist for stage {decision.stage.value}",
            f"Die Zuweisung {ref_id} gibt es für diese Stufe nicht.",
        )
    if not referral_outcome_allowed(referral.status, decision.outcome):
        reject(
            "outcome",
            f"outcome {decision.outcome.value} is not possible for a referral that is "
            f"{referral.status.value}",
            "Dieses Ergebnis passt nicht zum Stand der Zuweisung.",
        )


def _require_details(decision: RecordOutcome) -> None:
    """Attendance needs a percentage, an exam result needs passed or failed."""
    if decision.outcome == ReportKind.ATTENDANCE and decision.attendance_percent is None:
        reject("attendance_percent", "attendance needs a percentage", "Anwesenheit in % fehlt.")
    if decision.outcome == ReportKind.EXAM_RESULT and decision.exam_passed is None:
        reject("exam_passed", "an exam result needs passed or failed", "Prüfungsergebnis fehlt.")


def validate_pause_case(state: ChainState, decision: PauseCase, now: datetime) -> None:
    """Only a running case can rest."""
    require_open_case(state)
    if state.status == ChainStatus.PAUSED:
        reject("status", "case is already paused", "Der Fall ruht bereits.")


def validate_resume_case(state: ChainState, decision: ResumeCase, now: datetime) -> None:
    """Only a resting case can resume."""
    require_open_case(state)
    if state.status != ChainStatus.PAUSED:
        reject("status", "case is not paused", "Der Fall ruht nicht.")


def validate_change_goal(state: ChainState, decision: ChangeGoal, now: datetime) -> None:
    """A goal change must change the goal."""
    require_open_case(state)
    if decision.goal == state.profile.goal:
        reject(
            "goal",
            f"goal is already {decision.goal.target_stage.value}",
            "Dieses Ziel ist bereits vereinbart.",
        )


def validate_update_profile(state: ChainState, decision: UpdateProfile, now: datetime) -> None:
    """An update must change at least one fact."""
    require_open_case(state)
    if not changed_profile_fields(state, decision):
        reject("profile", "the update changes no fact", "Die Angaben ändern nichts.")


def changed_profile_fields(state: ChainState, decision: UpdateProfile) -> dict[str, Any]:
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
        if (value := getattr(decision, name)) is not None and value != getattr(current, name)
    }


def validate_close_case(state: ChainState, decision: CloseCase, now: datetime) -> None:
    """A case closes once."""
    require_open_case(state)


def validate_record_eligibility_exception(
    state: ChainState, decision: RecordEligibilityException, now: datetime
) -> None:
    """One recorded exception per case."""
    require_open_case(state)
    if state.profile.eligibility_exception is not None:
        reject(
            "exception",
            "an eligibility exception is already recorded",
            "Eine Ausnahme von der Altersgrenze ist bereits dokumentiert.",
        )


def validate_record_follow_up(state: ChainState, decision: RecordFollowUp, now: datetime) -> None:
    """The follow-up is recorded once it is due; earlier, a job loss is a drop-out."""
    require_open_case(state)
    require_phase(state, Stage.JOB, frozenset({StagePhase.FOLLOW_UP}))
    due_on = state.progress(Stage.JOB).follow_up_due_on
    if due_on is not None and now.date() < due_on:
        reject(
            "follow_up_due_on",
            f"the follow-up is due on {due_on.isoformat()}; record a drop-out if the job ended",
            f"Die Nachbetreuung ist erst am {date_de(due_on)} fällig.",
        )


def validate_complete_task(state: ChainState, decision: CompleteTask, now: datetime) -> None:
    """Only an open task can be done."""
    require_open_case(state)
    task = state.task(decision.task_id)
    if task is None or not task.is_open:
        reject(
            "task_id",
            f"task {decision.task_id} is unknown or already closed",
            "Diese Aufgabe gibt es nicht oder sie ist bereits erledigt.",
        )


VALIDATORS: dict[type[Decision], Callable[[ChainState, Any, datetime], None]] = {
    ConfirmOffer: validate_confirm_offer,
    ChooseOtherOffer: validate_choose_other_offer,
    RequestNewMatch: validate_request_new_match,
    SkipStage: validate_skip_stage,
    ReorderStages: validate_reorder_stages,
    RecordOutcome: validate_record_outcome,
    PauseCase: validate_pause_case,
    ResumeCase: validate_resume_case,
    ChangeGoal: validate_change_goal,
    UpdateProfile: validate_update_profile,
    CloseCase: validate_close_case,
    RecordEligibilityException: validate_record_eligibility_exception,
    RecordFollowUp: validate_record_follow_up,
    CompleteTask: validate_complete_task,
}


def validate_decision(state: ChainState, decision: Decision, now: datetime) -> None:
    """One entry point for a generic Update validator."""
    VALIDATORS[type(decision)](state, decision, now)
