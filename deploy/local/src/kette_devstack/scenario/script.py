"""What matching, the providers and the caseworker do next for a chain: a pure function of its view.

The player is level-triggered: it looks at where a chain stands and derives the next steps, so a
restarted player redoes at most the steps not yet reflected on the chain topic, with the same
`ce_id`s (matching and provider facts) and the same Update ids (caseworker decisions).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from kette_core.contracts import chain as contract
from kette_core.contracts.base import EventPayload
from kette_core.contracts.referrals import (
    AttendanceReported,
    DropOutReason,
    ExamKind,
    ExamResultReported,
    ParticipantDroppedOut,
    ParticipantEnrolled,
    ProviderReport,
    ReferralAccepted,
    ReferralCompleted,
)
from kette_core.contracts.vocabulary import LanguageLevel, SchoolCertificate, Stage
from kette_core.ids import stable_event_id
from kette_devstack.scenario.catalogue import found_by_caseworker, match
from kette_devstack.scenario.chain_view import ChainView, ReferralView
from kette_devstack.scenario.cohort import caseworker_for
from kette_workflows.api import (
    ChooseOtherOffer,
    CloseCase,
    CloseReason,
    CompleteTask,
    ConfirmOffer,
    Decision,
    EligibilityException,
    RecordEligibilityException,
    RecordFollowUp,
    RecordOutcome,
    ReportKind,
    RequestNewMatch,
    SkipReason,
    SkipStage,
)
from kette_workflows.domain.schedule import add_months
from kette_workflows.programmes import load_programme


@dataclass(frozen=True)
class PlayRules:
    """How the stand-ins behave; every choice is deterministic per participant."""

    drop_out_rate: float = 0.0
    """Share of (participant, stage) pairs whose first referral ends in a drop-out."""
    backdate_job_start: bool = True
    """Report a job start as long enough ago that the follow-up is due now (demo time-lapse)."""
    answers_requests: bool = True
    """Stand in for matching; off while the matching service answers (`kette-stack up`)."""
    provider_reports: bool = True
    """Stand in for the providers; off while kette-provider processes answer through the
    provider gateway (`scenario.providers`)."""

    def drops_out(self, participant_id: str, stage: Stage) -> bool:
        """Chance by hash, so a restarted player decides the same."""
        if self.drop_out_rate <= 0 or stage == Stage.JOB:
            return False
        digest = hashlib.sha256(f"{participant_id}:{stage.value}".encode()).digest()
        return int.from_bytes(digest[:4], "big") / 2**32 < self.drop_out_rate


@dataclass(frozen=True)
class Publish:
    """A fact to publish, as matching (`matching`) or as the provider gateway (`provider`)."""

    key: str
    channel: str
    payload: EventPayload
    event_id: str


@dataclass(frozen=True)
class Decide:
    """A caseworker decision, sent through the ChainClient with a stable Update id."""

    key: str
    decision: Decision
    update_id: str


Action = Publish | Decide


def next_actions(view: ChainView, rules: PlayRules) -> list[Action]:
    """Everything the stand-ins would do now for this chain."""
    if view.is_closed:
        return []
    actions: list[Action] = []
    if rules.answers_requests:
        actions.extend(_matching(view))
    if rules.provider_reports:
        actions.extend(_provider_reports(view, rules))
    actions.extend(_caseworker(view))
    return actions


# -- matching ------------------------------------------------------------------------------


def _matching(view: ChainView) -> list[Action]:
    """Answer every request the chain has not received an answer to yet."""
    actions: list[Action] = []
    for request_id, request in view.requests.items():
        if request_id in view.answered_requests:
            continue
        answer = match(request, view.requested_on[request_id])  # same answer on every resend
        event_id = stable_event_id(answer.event_type, request_id)
        actions.append(Publish(f"match:{request_id}", "matching", answer, event_id))
    return actions


# -- providers -----------------------------------------------------------------------------


def _provider_reports(view: ChainView, rules: PlayRules) -> list[Action]:
    """The next report of each running referral, in the order a provider sends them (the
    fallback when the gateway does not run; kette-provider's --auto plays the same runs)."""
    actions: list[Action] = []
    for referral in view.referrals.values():
        stage = referral.confirmed.stage
        if referral.withdrawn or stage in view.completed or stage in view.skipped:
            continue
        steps = provider_script(view, referral, rules)
        done = len(referral.outcomes)
        if done >= len(steps):
            continue
        payload = steps[done]
        event_id = stable_event_id(payload.event_type, referral.referral_id, str(done))
        actions.append(
            Publish(f"report:{referral.referral_id}:{done}", "provider", payload, event_id)
        )
    return actions


def provider_script(
    view: ChainView, referral: ReferralView, rules: PlayRules
) -> list[ProviderReport]:
    """Reports a provider sends for one referral; dates derive from the confirmation day."""
    confirmed = referral.confirmed
    day = referral.confirmed_at.date()
    common = {
        "referral_id": confirmed.referral_id,
        "participant_id": confirmed.participant_id,
        "provider_id": confirmed.provider_id,
    }
    accepted = ReferralAccepted(**common, occurred_on=day, starts_on=day + timedelta(days=14))
    if confirmed.stage == Stage.JOB:
        started_on = day
        if rules.backdate_job_start:
            months = follow_up_months(view.programme_id)
            started_on = add_months(day, -months) - timedelta(days=1)
        return [accepted, ParticipantEnrolled(**common, occurred_on=started_on)]
    enrolled = ParticipantEnrolled(**common, occurred_on=day, planned_end_on=add_months(day, 6))
    if referral.attempt == 1 and rules.drops_out(confirmed.participant_id, confirmed.stage):
        return [
            accepted,
            enrolled,
            _attendance(common, day, attended=12.0),
            ParticipantDroppedOut(
                **common, occurred_on=day, reason=DropOutReason.PERSONAL_CIRCUMSTANCES
            ),
        ]
    steps: list[ProviderReport] = [accepted, enrolled, _attendance(common, day, attended=36.0)]
    if confirmed.stage == Stage.LANGUAGE:
        level = _language_target(view)
        exam = ExamKind.DTZ if level == LanguageLevel.B1 else ExamKind.LANGUAGE_CERTIFICATE
        steps.append(
            ExamResultReported(
                **common, occurred_on=day, exam=exam, passed=True, language_level_reached=level
            )
        )
        steps.append(ReferralCompleted(**common, occurred_on=day, language_level_reached=level))
    elif confirmed.stage == Stage.SCHOOL:
        steps.append(
            ExamResultReported(
                **common,
                occurred_on=day,
                exam=ExamKind.SCHOOL_CERTIFICATE,
                passed=True,
                certificate_obtained=SchoolCertificate.ERSTER,
            )
        )
        steps.append(ReferralCompleted(**common, occurred_on=day))
    else:
        steps.append(ReferralCompleted(**common, occurred_on=day))
    return steps


def _attendance(common: dict[str, str], day: date, attended: float) -> AttendanceReported:
    """One reported week: 40 planned teaching hours."""
    return AttendanceReported(
        **common,
        occurred_on=day,
        period_start=day,
        period_end=day + timedelta(days=6),
        attended_hours=attended,
        planned_hours=40.0,
    )


def _language_target(view: ChainView) -> LanguageLevel:
    """The level the chain asked the course to reach (B1 when it named none)."""
    request = view.latest_request(Stage.LANGUAGE)
    if request is not None and request.target_language_level is not None:
        return request.target_language_level
    planned = view.plan.get(Stage.LANGUAGE)
    if planned is not None and planned.target_language_level is not None:
        return planned.target_language_level
    return LanguageLevel.B1


@lru_cache(maxsize=8)
def follow_up_months(programme_id: str | None) -> int:
    """The programme's follow-up period; the chain counts sustained work after it."""
    return load_programme(programme_id or "durchstarten").deadlines.job_follow_up_months


# -- caseworker ----------------------------------------------------------------------------

_ROUTINE_TASKS = frozenset(
    {
        contract.TaskKind.RESIDENCE_EXPIRY,
        contract.TaskKind.PROGRAMME_HINT,
        contract.TaskKind.LOW_ATTENDANCE,
        contract.TaskKind.CASE_REVIEW,
        contract.TaskKind.PROVIDER_REMINDER,
    }
)
"""Tasks the caseworker deals with outside the chain and then marks done."""


def _caseworker(view: ChainView) -> list[Action]:
    """Work the open tasks; finish a stage that ran at entry once nothing else is running."""
    caseworker = caseworker_for(view.kommune or "Unna")
    actions: list[Action] = []
    for task in view.open_tasks.values():
        decision = _decide_task(view, task, caseworker)
        if decision is not None:
            update_id = f"scenario:{task.task_id}:{decision.name}"
            actions.append(Decide(f"task:{task.task_id}", decision, update_id))
    actions.extend(_finish_stages_running_at_entry(view, caseworker))
    return actions


def _decide_task(view: ChainView, task: contract.TaskOpened, caseworker: str) -> Decision | None:
    kind, stage = task.kind, task.stage
    if kind == contract.TaskKind.DECISION_NEEDED and stage is not None:
        return _decide_stage(view, stage, caseworker)
    if kind == contract.TaskKind.NO_OFFER_FOUND and stage is not None:
        return _arrange_without_match(view, stage, caseworker)
    if kind == contract.TaskKind.FOLLOW_UP:
        return RecordFollowUp(still_employed=True, caseworker_id=caseworker)
    if kind == contract.TaskKind.PLAN_COMPLETED:
        return CloseCase(reason=CloseReason.GOAL_REACHED, caseworker_id=caseworker)
    if kind == contract.TaskKind.ELIGIBILITY_END:
        return RecordEligibilityException(
            exception=EligibilityException.FINISH_ONGOING_STAGE, caseworker_id=caseworker
        )
    if kind in _ROUTINE_TASKS:
        return CompleteTask(task_id=task.task_id, caseworker_id=caseworker)
    return None


def _decide_stage(view: ChainView, stage: Stage, caseworker: str) -> Decision:
    """Take the best proposal not tried yet; ask again when none is left.

    A stage without a module (recognition of a foreign certificate) is arranged by the
    caseworker herself and recorded as done.
    """
    planned = view.plan.get(stage)
    if planned is not None and not planned.modules:
        return RecordOutcome(stage=stage, outcome=ReportKind.COMPLETED, caseworker_id=caseworker)
    tried = {r.confirmed.offer_id for r in view.referrals_for(stage)}
    offers = view.offers.get(stage)
    untried = [o for o in (offers.offer_ids if offers else ()) if o not in tried]
    if untried:
        return ConfirmOffer(stage=stage, offer_id=untried[0], caseworker_id=caseworker)
    return RequestNewMatch(stage=stage, caseworker_id=caseworker)


def _arrange_without_match(view: ChainView, stage: Stage, caseworker: str) -> Decision:
    """Matching found nothing: book a course herself (arranging childcare), else skip."""
    request = view.latest_request(stage)
    tried = {r.confirmed.offer_id for r in view.referrals_for(stage)}
    module = request.module if request is not None else None
    offer = found_by_caseworker(stage, module, view.kommune or "Unna", tried)
    if offer is None:
        return SkipStage(
            stage=stage, reason=SkipReason.NO_OFFER_AVAILABLE, caseworker_id=caseworker
        )
    return ChooseOtherOffer(
        stage=stage,
        offer_id=offer.offer_id,
        provider_id=offer.provider_id,
        module=offer.module,
        caseworker_id=caseworker,
    )


def _finish_stages_running_at_entry(view: ChainView, caseworker: str) -> list[Action]:
    """An apprenticeship or job held at entry ends once the stages planned alongside are done.

    The demo's time-lapse: in reality the caseworker records this years later.
    """
    if view.active:
        return []
    waiting = [
        stage
        for stage, planned in view.plan.items()
        if planned.status == contract.PlannedStageStatus.PLANNED
        and stage not in view.completed
        and stage not in view.skipped
    ]
    if waiting and not (view.completed or view.skipped):
        return []  # the planned stages have not opened yet
    if any(t.kind == contract.TaskKind.DECISION_NEEDED for t in view.open_tasks.values()):
        return []
    actions: list[Action] = []
    for stage, planned in view.plan.items():
        if not planned.ongoing_at_entry or stage in view.completed or stage in view.skipped:
            continue
        decision = RecordOutcome(
            stage=stage, outcome=ReportKind.COMPLETED, caseworker_id=caseworker
        )
        update_id = f"scenario:{view.workflow_id}:finish-ongoing:{stage.value}"
        actions.append(Decide(f"finish:{view.participant_id}:{stage.value}", decision, update_id))
    return actions
