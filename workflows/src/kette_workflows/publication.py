"""The one place the chain's domain events become payloads of the published contract.

`to_contract(event)` is a pure function of one domain event: the publishing activity sees
nothing else, so every fact a payload needs travels on the event itself.

| domain event (kind)              | published as (kette.chain.*.v1)                           |
|----------------------------------|-----------------------------------------------------------|
| chain_started                    | started                                                   |
| plan_changed                     | replanned (reason from the cause)                         |
| stages_reordered                 | replanned (reason stages_reordered, decided_by)           |
| stage_opened                     | stage_started                                             |
| referral_requested               | referral_requested (first module; the rest accompanying)  |
| offers_received                  | offers_received                                           |
| no_offer_found                   | no_offer_found                                            |
| referral_confirmed               | referral_confirmed                                        |
| referral_withdrawn               | referral_withdrawn                                        |
| outcome_recorded                 | outcome_recorded                                          |
| stage_completed                  | stage_completed                                           |
| stage_skipped                    | stage_skipped (reason caseworker_decision + skip_reason)  |
| job_started                      | job_started                                               |
| follow_up_recorded               | follow_up_recorded                                        |
| task_opened / task_closed        | task_opened / task_closed                                 |
| case_paused                      | paused                                                    |
| case_resumed                     | resumed                                                   |
| goal_changed                     | goal_changed                                              |
| profile_facts_updated            | profile_facts_updated                                     |
| eligibility_exception_recorded   | eligibility_exception_recorded                            |
| consent_withdrawn                | sharing_stopped (consent_withdrawn)                       |
| consent_given                    | sharing_resumed                                           |
| case_closed                      | closed, then sharing_stopped (chain_closed)               |
| case_handed_over                 | closed (handed_to_jobcenter), then sharing_stopped        |
| input_ignored                    | input_ignored (reason, the input's own event id)          |
| residence_status_recorded        | nothing: see `INTERNAL_KINDS`                             |

Left out on purpose: the residence status and language level at entry on `chain_started`
(intake publishes them on kette.participants.v1), the reorder reason, the provider's
`report_id` (the provider-status event's own id) and the German texts of plans and tasks.
"""

from __future__ import annotations

from typing import assert_never

from kette_core.contracts import chain as contract
from kette_core.contracts.base import ActorId, EventPayload
from kette_core.contracts.vocabulary import (
    Actor,
    ActorRole,
    Constraints,
    Goal,
    LanguageLevel,
    Stage,
)
from kette_workflows.domain import events as domain
from kette_workflows.domain.events import ChainEvent, StageSummary
from kette_workflows.domain.vocabulary import (
    CloseReason,
    ReportKind,
    TaskKind,
    WithdrawReason,
)

INTERNAL_KINDS: dict[str, str] = {
    "residence_status_recorded": "an echo of intake's kette.participant.residence_status_changed."
    "v1; its effects go out as replanned or closed, so the sensitive status is not repeated",
}
"""Domain event kinds that deliberately publish nothing, with the reason."""

PUBLISHED_AS: dict[str, tuple[type[EventPayload], ...]] = {
    "chain_started": (contract.ChainStarted,),
    "plan_changed": (contract.ChainReplanned,),
    "stages_reordered": (contract.ChainReplanned,),
    "stage_opened": (contract.StageStarted,),
    "referral_requested": (contract.ReferralRequested,),
    "offers_received": (contract.OffersReceived,),
    "no_offer_found": (contract.NoOfferFoundForStage,),
    "referral_confirmed": (contract.ReferralConfirmed,),
    "referral_withdrawn": (contract.ReferralWithdrawn,),
    "outcome_recorded": (contract.OutcomeRecorded,),
    "stage_completed": (contract.StageCompleted,),
    "stage_skipped": (contract.StageSkipped,),
    "job_started": (contract.JobStarted,),
    "follow_up_recorded": (contract.FollowUpRecorded,),
    "input_ignored": (contract.InputIgnored,),
    "task_opened": (contract.TaskOpened,),
    "task_closed": (contract.TaskClosed,),
    "case_paused": (contract.ChainPaused,),
    "case_resumed": (contract.ChainResumed,),
    "goal_changed": (contract.GoalChanged,),
    "profile_facts_updated": (contract.ProfileFactsUpdated,),
    "eligibility_exception_recorded": (contract.EligibilityExceptionRecorded,),
    "consent_withdrawn": (contract.SharingStopped,),
    "consent_given": (contract.SharingResumed,),
    "case_closed": (contract.ChainClosed, contract.SharingStopped),
    "case_handed_over": (contract.ChainClosed, contract.SharingStopped),
}
"""Payload types each published kind yields, in order; the mapping table above, as data."""


_WITHDRAW_REASON: dict[WithdrawReason, contract.ReferralWithdrawalReason] = {
    WithdrawReason.CONSENT_WITHDRAWN: contract.ReferralWithdrawalReason.CONSENT_WITHDRAWN,
    WithdrawReason.STAGE_SKIPPED: contract.ReferralWithdrawalReason.CASEWORKER_DECISION,
    WithdrawReason.CASE_CLOSED: contract.ReferralWithdrawalReason.CHAIN_CLOSED,
    WithdrawReason.REPLANNED: contract.ReferralWithdrawalReason.REPLANNED,
}
_OUTCOME: dict[ReportKind, contract.Outcome] = {
    ReportKind.ACCEPTED: contract.Outcome.ACCEPTED,
    ReportKind.REJECTED: contract.Outcome.REJECTED,
    ReportKind.ENROLLED: contract.Outcome.ENROLLED,
    ReportKind.ATTENDANCE: contract.Outcome.ATTENDANCE,
    ReportKind.EXAM_RESULT: contract.Outcome.PASSED,
    ReportKind.COMPLETED: contract.Outcome.COMPLETED,
    ReportKind.DROPPED_OUT: contract.Outcome.DROPPED_OUT,
}
"""An exam result is PASSED here and turned into FAILED when the exam was not passed."""
_TASK_KIND: dict[TaskKind, contract.TaskKind] = {
    TaskKind.PROVIDER_NO_RESPONSE: contract.TaskKind.PROVIDER_REMINDER,
    TaskKind.CHOOSE_OFFER: contract.TaskKind.DECISION_NEEDED,
    TaskKind.NO_OFFER_FOUND: contract.TaskKind.NO_OFFER_FOUND,
    TaskKind.CASE_REVIEW: contract.TaskKind.CASE_REVIEW,
    TaskKind.ELIGIBILITY_ENDING: contract.TaskKind.ELIGIBILITY_END,
    TaskKind.RESIDENCE_EXPIRING: contract.TaskKind.RESIDENCE_EXPIRY,
    TaskKind.FOLLOW_UP: contract.TaskKind.FOLLOW_UP,
    TaskKind.LOW_ATTENDANCE: contract.TaskKind.LOW_ATTENDANCE,
    TaskKind.CONSENT_WITHDRAWN: contract.TaskKind.CONSENT_WITHDRAWN,
    TaskKind.PROGRAMME_HINT: contract.TaskKind.PROGRAMME_HINT,
    TaskKind.PLAN_COMPLETED: contract.TaskKind.PLAN_COMPLETED,
    TaskKind.ARRANGE_STAGE: contract.TaskKind.DECISION_NEEDED,
    TaskKind.REPORT_REFUSED: contract.TaskKind.REPORT_REFUSED,
}
_CLOSURE_REASON: dict[CloseReason, contract.ClosureReason] = {
    CloseReason.MOVED_AWAY: contract.ClosureReason.MOVED_AWAY,
    CloseReason.RESIDENCE_PERMIT: contract.ClosureReason.HANDED_TO_JOBCENTER,
    CloseReason.REMOVAL: contract.ClosureReason.REMOVAL,
    CloseReason.WITHDREW: contract.ClosureReason.WITHDREW,
    CloseReason.REACHED_27: contract.ClosureReason.REACHED_27,
    CloseReason.SUSTAINED_WORK: contract.ClosureReason.SUSTAINED_WORK,
    CloseReason.GOAL_REACHED: contract.ClosureReason.GOAL_REACHED,
    CloseReason.NO_LONGER_ELIGIBLE: contract.ClosureReason.NO_LONGER_ELIGIBLE,
}


def to_contract(event: ChainEvent) -> list[EventPayload]:
    """Zero or more contract payloads for one domain event, in publishing order."""
    participant_id = event.participant_id
    day = event.occurred_at.date()
    match event:
        case domain.ChainStarted():
            return [
                contract.ChainStarted(
                    participant_id=participant_id,
                    programme_id=event.programme_id,
                    programme_version=event.programme_version,
                    kommune=event.kommune,
                    goal_stage=event.goal_stage,
                    activity_at_entry=event.current_activity,
                    plan=_plan(event.stages),
                )
            ]
        case domain.PlanChanged():
            return [
                contract.ChainReplanned(
                    participant_id=participant_id,
                    reason=event.cause,
                    goal_stage=event.goal_stage,
                    plan=_plan(event.stages),
                )
            ]
        case domain.StagesReordered():
            return [
                contract.ChainReplanned(
                    participant_id=participant_id,
                    reason=contract.ReplanReason.STAGES_REORDERED,
                    goal_stage=event.goal_stage,
                    plan=_plan(event.stages),
                    decided_by=_caseworker(event.decided_by),
                )
            ]
        case domain.StageOpened():
            return [
                contract.StageStarted(
                    participant_id=participant_id, stage=event.stage, attempt=event.attempt
                )
            ]
        case domain.ReferralRequested():
            return _referral_requested(event)
        case domain.OffersReceived():
            return [
                contract.OffersReceived(
                    participant_id=participant_id,
                    request_id=event.request_id,
                    stage=event.stage,
                    offer_ids=tuple(event.offer_ids),
                )
            ]
        case domain.NoOfferFound():
            return [
                contract.NoOfferFoundForStage(
                    participant_id=participant_id,
                    request_id=event.request_id,
                    stage=event.stage,
                    modules=tuple(event.modules),
                )
            ]
        case domain.ReferralConfirmed():
            return [
                contract.ReferralConfirmed(
                    participant_id=participant_id,
                    referral_id=event.referral_id,
                    request_id=event.request_id,
                    offer_id=event.offer_id,
                    provider_id=event.provider_id,
                    stage=event.stage,
                    module=event.module,
                    response_due=event.answer_due_at.date(),
                    confirmed_by=_caseworker(event.decided_by),
                    offer_choice=event.choice,
                )
            ]
        case domain.ReferralWithdrawn():
            return [
                contract.ReferralWithdrawn(
                    participant_id=participant_id,
                    referral_id=event.referral_id,
                    provider_id=event.provider_id,
                    stage=event.stage,
                    reason=_WITHDRAW_REASON[event.reason],
                )
            ]
        case domain.OutcomeRecorded():
            return [_outcome(event)]
        case domain.StageCompleted():
            return [
                contract.StageCompleted(
                    participant_id=participant_id,
                    stage=event.stage,
                    completed_on=event.completed_on,
                    activity_after=event.activity_after,
                )
            ]
        case domain.StageSkipped():
            return [
                contract.StageSkipped(
                    participant_id=participant_id,
                    stage=event.stage,
                    reason=contract.PlanReason.CASEWORKER_DECISION,
                    skip_reason=event.reason,
                    skipped_by=_caseworker(event.decided_by),
                )
            ]
        case domain.JobStarted():
            return [
                contract.JobStarted(
                    participant_id=participant_id,
                    started_on=event.started_on,
                    follow_up_due_on=event.follow_up_due_on,
                )
            ]
        case domain.FollowUpRecorded():
            return [
                contract.FollowUpRecorded(
                    participant_id=participant_id,
                    still_employed=event.still_employed,
                    recorded_by=_caseworker(event.decided_by),
                )
            ]
        case domain.TaskOpened():
            return [
                contract.TaskOpened(
                    participant_id=participant_id,
                    task_id=event.task_id,
                    kind=_TASK_KIND[event.task_kind],
                    due_on=event.due_on,
                    stage=event.stage,
                    referral_id=event.referral_id,
                )
            ]
        case domain.TaskClosed():
            return [
                contract.TaskClosed(
                    participant_id=participant_id,
                    task_id=event.task_id,
                    kind=_TASK_KIND[event.task_kind],
                    resolution=event.resolution,
                    closed_by=_caseworker_or_none(event.decided_by),
                )
            ]
        case domain.CasePaused():
            return [
                contract.ChainPaused(
                    participant_id=participant_id,
                    reason=event.reason,
                    paused_on=day,
                    paused_by=_caseworker(event.decided_by),
                )
            ]
        case domain.CaseResumed():
            return [
                contract.ChainResumed(
                    participant_id=participant_id,
                    resumed_on=day,
                    resumed_by=_caseworker(event.decided_by),
                )
            ]
        case domain.GoalChanged():
            return [
                contract.GoalChanged(
                    participant_id=participant_id,
                    previous_goal_stage=event.previous_goal_stage,
                    goal=Goal(
                        target_stage=event.goal_stage, occupation_field=event.occupation_field
                    ),
                    changed_by=_caseworker(event.decided_by),
                )
            ]
        case domain.ProfileFactsUpdated():
            return [
                contract.ProfileFactsUpdated(
                    participant_id=participant_id,
                    language_level=event.language_level,
                    school_certificate=event.school_certificate,
                    vocational_qualification=event.vocational_qualification,
                    employment_ban=event.employment_ban,
                    childcare_needed=event.childcare_needed,
                    updated_by=_caseworker_or_none(event.decided_by),
                )
            ]
        case domain.EligibilityExceptionRecorded():
            return [
                contract.EligibilityExceptionRecorded(
                    participant_id=participant_id,
                    exception=event.exception,
                    recorded_by=_caseworker(event.decided_by),
                )
            ]
        case domain.ConsentWithdrawn():
            return [
                contract.SharingStopped(
                    participant_id=participant_id,
                    reason=contract.SharingStopReason.CONSENT_WITHDRAWN,
                    withdrawn_referral_ids=tuple(event.withdrawn_referral_ids),
                )
            ]
        case domain.ConsentGiven():
            return [contract.SharingResumed(participant_id=participant_id)]
        case domain.CaseClosed() | domain.CaseHandedOver():
            return _closed(event)
        case domain.InputIgnored():
            return [
                contract.InputIgnored(
                    participant_id=participant_id,
                    input=event.input,
                    reference=event.reference,
                    reason=event.reason,
                    input_event_id=event.report_id,
                )
            ]
        case domain.ResidenceStatusRecorded():
            return []
        case _:
            assert_never(event)


def _referral_requested(event: domain.ReferralRequested) -> list[EventPayload]:
    """Matching searches by one module; the accompanying ones (F1 coaching) go along as hints."""
    if not event.modules:
        return []  # the chain never asks without a module; nothing could answer such a request
    language_target = _language_target(event.stage, event.target)
    return [
        contract.ReferralRequested(
            participant_id=event.participant_id,
            request_id=event.request_id,
            stage=event.stage,
            module=event.modules[0],
            accompanying_modules=tuple(event.modules[1:]),
            target_language_level=language_target,
            current_language_level=event.language_level,
            kommune=event.kommune,
            constraints=Constraints(
                childcare_needed=event.childcare_needed, employment_ban=event.employment_ban
            ),
            excluded_offer_ids=tuple(event.excluded_offer_ids),
            attempt=event.attempt,
        )
    ]


def _outcome(event: domain.OutcomeRecorded) -> contract.OutcomeRecorded:
    """A failed exam is FAILED; a level counts as reached from a passed exam or a completion."""
    outcome = _OUTCOME[event.report]
    exam = event.report == ReportKind.EXAM_RESULT
    if exam and event.exam_passed is not True:
        outcome = contract.Outcome.FAILED
    reached = (exam and event.exam_passed is True) or event.report == ReportKind.COMPLETED
    return contract.OutcomeRecorded(
        participant_id=event.participant_id,
        stage=event.stage,
        referral_id=event.referral_id,
        outcome=outcome,
        source=event.source,
        language_level_reached=event.exam_level if reached else None,
        recorded_on=event.occurred_at.date(),
        occurred_on=event.occurred_on,
        attendance_percent=event.attendance_percent,
        recorded_by=_caseworker_or_none(event.decided_by),
    )


def _closed(event: domain.CaseClosed | domain.CaseHandedOver) -> list[EventPayload]:
    """Closing, then the stop of all sharing, so the gateway needs to watch one event type."""
    decided_by = event.decided_by if isinstance(event, domain.CaseClosed) else None
    reason = (
        contract.ClosureReason.HANDED_TO_JOBCENTER
        if isinstance(event, domain.CaseHandedOver)
        else _CLOSURE_REASON[event.reason]
    )
    return [
        contract.ChainClosed(
            participant_id=event.participant_id,
            reason=reason,
            closed_on=event.occurred_at.date(),
            last_stage=event.last_stage,
            activity_at_exit=event.activity_at_exit,
            closed_by=_caseworker_or_none(decided_by),
        ),
        contract.SharingStopped(
            participant_id=event.participant_id,
            reason=contract.SharingStopReason.CHAIN_CLOSED,
            withdrawn_referral_ids=tuple(event.withdrawn_referral_ids),
        ),
    ]


def _plan(stages: list[StageSummary]) -> tuple[contract.PlannedStage, ...]:
    """The plan without German texts; only the language stage's target is a contract value."""
    return tuple(
        contract.PlannedStage(
            stage=summary.stage,
            status=summary.status,
            reason=summary.reason,
            modules=tuple(summary.modules),
            target_language_level=_language_target(summary.stage, summary.target),
            ongoing_at_entry=summary.ongoing_at_entry,
        )
        for summary in stages
    )


_LANGUAGE_LEVELS = {level.value: level for level in LanguageLevel}


def _language_target(stage: Stage, target: str | None) -> LanguageLevel | None:
    """Targets are codes; for the language stage the code is a CEFR level."""
    if stage != Stage.LANGUAGE or target is None:
        return None
    return _LANGUAGE_LEVELS.get(target)


def _caseworker(actor_id: ActorId) -> Actor:
    """Decisions come in as Temporal Updates, each naming the caseworker."""
    return Actor(role=ActorRole.CASEWORKER, actor_id=actor_id)


def _caseworker_or_none(actor_id: ActorId | None) -> Actor | None:
    """No actor when a rule, a timer or another system made the change."""
    return _caseworker(actor_id) if actor_id is not None else None
