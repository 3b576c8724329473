"""Referrals (Zuweisungen): refer, withdraw, the outcomes providers report, and which may
follow which."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict

from kette_core.contracts.base import ActorId
from kette_core.contracts.chain import IgnoredReason, OfferChoice
from kette_core.contracts.vocabulary import LanguageLevel, Module, Stage, language_rank
from kette_workflows.domain.events import (
    OutcomeRecorded,
    ProfileFactsUpdated,
    ReferralConfirmed,
    ReferralWithdrawn,
)
from kette_workflows.domain.inputs import ProviderReport
from kette_workflows.domain.labels_de import REFERRAL_STATUS_DE, REPORT_DE
from kette_workflows.domain.tasks import DECISION_TASKS, close_tasks, has_open_task, open_task
from kette_workflows.domain.vocabulary import (
    ReferralStatus,
    ReportKind,
    ReportSource,
    StagePhase,
    TaskKind,
    WithdrawReason,
)

if TYPE_CHECKING:
    from kette_workflows.domain.case import Case
    from kette_workflows.domain.stages import StageProgress
    from kette_workflows.domain.state import ChainState

_SENT, _ACCEPTED, _ENROLLED = ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED

OPEN_STATUSES = frozenset({_SENT, _ACCEPTED, _ENROLLED})
"""Still with the provider."""

OUTCOMES_BY_STATUS: dict[ReportKind, frozenset[ReferralStatus]] = {
    ReportKind.ACCEPTED: frozenset({_SENT}),
    ReportKind.REJECTED: frozenset({_SENT, _ACCEPTED}),
    ReportKind.ENROLLED: frozenset({_SENT, _ACCEPTED}),
    ReportKind.ATTENDANCE: frozenset({_ENROLLED}),
    ReportKind.EXAM_RESULT: frozenset({_ENROLLED, ReferralStatus.COMPLETED}),
    ReportKind.COMPLETED: frozenset({_ENROLLED}),
    ReportKind.DROPPED_OUT: frozenset({_ACCEPTED, _ENROLLED}),
}
"""The transition table: the referral status each outcome may arrive in; one table for
provider reports and caseworker entries alike."""
CASEWORKER_MAY_ALSO: dict[ReportKind, frozenset[ReferralStatus]] = {
    ReportKind.COMPLETED: frozenset({_SENT, _ACCEPTED}),
}
"""A caseworker knows when someone finished although the provider never reported the start;
a provider must report the enrolment first (chains recorded before
`Behaviour.reports_follow_the_referral` took this from providers too)."""

STATUS_AFTER: dict[ReportKind, ReferralStatus] = {
    ReportKind.ACCEPTED: ReferralStatus.ACCEPTED,
    ReportKind.REJECTED: ReferralStatus.REJECTED,
    ReportKind.ENROLLED: ReferralStatus.ENROLLED,
    ReportKind.COMPLETED: ReferralStatus.COMPLETED,
    ReportKind.DROPPED_OUT: ReferralStatus.DROPPED_OUT,
}
"""Where an outcome leaves the referral; attendance and exam results leave it where it is."""


class Referral(BaseModel):
    """One referral (Zuweisung) to a provider's offer."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

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
        return self.status in OPEN_STATUSES

    @property
    def awaits_answer(self) -> bool:
        """Sent and not yet answered: the provider's deadline runs."""
        return self.status == _SENT and not self.reminded


@dataclass(frozen=True)
class Offer:
    """What a referral points at."""

    offer_id: str
    provider_id: str
    module: Module


@dataclass(frozen=True)
class OutcomeDetails:
    """What came with an outcome, from whichever source."""

    source: ReportSource
    occurred_on: date | None = None
    report_id: str | None = None
    attendance_percent: int | None = None
    exam_passed: bool | None = None
    exam_level: LanguageLevel | None = None
    decided_by: ActorId | None = None


def outcome_allowed(
    state: ChainState, referral: Referral, outcome: ReportKind, source: ReportSource
) -> bool:
    """An outcome fits the referral's current status."""
    if referral.status in OUTCOMES_BY_STATUS[outcome]:
        return True
    lenient = source == ReportSource.CASEWORKER or not state.behaviour.reports_follow_the_referral
    return lenient and referral.status in CASEWORKER_MAY_ALSO.get(outcome, frozenset())


def refer(
    case: Case, progress: StageProgress, offer: Offer, choice: OfferChoice, by: ActorId
) -> Referral:
    """Send the person to an offer; one found without a search gets a request id of its own."""
    state = case.state
    if progress.request_id is None:
        progress.request_id = state.next_request_id()
    state.referral_count += 1
    days = state.programme.deadlines.provider_response_days
    referral = Referral(
        referral_id=f"{state.participant_id}:ref:{state.referral_count}",
        stage=progress.stage,
        offer_id=offer.offer_id,
        provider_id=offer.provider_id,
        status=ReferralStatus.SENT,
        referred_at=case.now,
        answer_due_at=case.now + timedelta(days=days),
    )
    state.referrals.append(referral)
    progress.phase = StagePhase.REFERRED
    progress.attempts += 1
    close_tasks(case, DECISION_TASKS, stage=progress.stage)
    case.emit(
        ReferralConfirmed(
            **case.meta(),
            referral_id=referral.referral_id,
            request_id=progress.request_id,
            stage=progress.stage,
            offer_id=offer.offer_id,
            provider_id=offer.provider_id,
            module=offer.module,
            choice=choice,
            answer_due_at=referral.answer_due_at,
            decided_by=by,
        )
    )
    return referral


def withdraw(case: Case, referral: Referral, reason: WithdrawReason) -> None:
    """Take a referral back from the provider."""
    referral.status = ReferralStatus.WITHDRAWN
    close_tasks(case, referral_id=referral.referral_id)
    case.emit(
        ReferralWithdrawn(
            **case.meta(),
            referral_id=referral.referral_id,
            stage=referral.stage,
            provider_id=referral.provider_id,
            reason=reason,
        )
    )


def record_outcome(
    case: Case, stage: Stage, referral: Referral | None, kind: ReportKind, details: OutcomeDetails
) -> None:
    """The outcome goes on the timeline first; then the referral, if any, moves on."""
    case.emit(
        OutcomeRecorded(
            **case.meta(),
            referral_id=referral.referral_id if referral else None,
            stage=stage,
            report=kind,
            source=details.source,
            occurred_on=details.occurred_on,
            report_id=details.report_id,
            attendance_percent=details.attendance_percent,
            exam_passed=details.exam_passed,
            exam_level=details.exam_level,
            decided_by=details.decided_by,
        )
    )
    if referral is None:
        return
    close_tasks(case, frozenset({TaskKind.PROVIDER_NO_RESPONSE}), referral_id=referral.referral_id)
    referral.status = STATUS_AFTER.get(kind, referral.status)
    if kind == ReportKind.ATTENDANCE:
        referral.attendance_percent = details.attendance_percent
        _warn_on_low_attendance(case, referral)
    elif kind == ReportKind.EXAM_RESULT:
        referral.exam_passed = details.exam_passed
        referral.exam_level = details.exam_level
        _raise_language_level(case, referral.stage, details)


def why_report_cannot_apply(state: ChainState, report: ProviderReport) -> IgnoredReason | None:
    """Why a provider report changes nothing, or None when it applies."""
    if not report.complete:
        return IgnoredReason.INCOMPLETE
    if state.is_closed:
        return IgnoredReason.CASE_CLOSED
    referral = state.referral(report.referral_id)
    if referral is None:
        return IgnoredReason.UNKNOWN_REFERRAL
    checks_provider = state.behaviour.reports_follow_the_referral
    if checks_provider and report.provider_id != referral.provider_id:
        return IgnoredReason.WRONG_PROVIDER
    if outcome_allowed(state, referral, report.kind, ReportSource.PROVIDER):
        return None
    if STATUS_AFTER.get(report.kind) == referral.status:
        return IgnoredReason.DUPLICATE
    if not referral.is_open:
        return IgnoredReason.REFERRAL_CLOSED
    return IgnoredReason.NOT_APPLICABLE


def ask_about_refused_report(case: Case, referral: Referral, report: ProviderReport) -> None:
    """A report that does not fit the referral's state is not applied; a person must look."""
    if not case.state.behaviour.reports_follow_the_referral:
        return
    open_task(
        case,
        TaskKind.REPORT_REFUSED,
        referral.stage,
        referral.referral_id,
        report=REPORT_DE[report.kind],
        status=REFERRAL_STATUS_DE[referral.status],
    )


def _warn_on_low_attendance(case: Case, referral: Referral) -> None:
    """Low attendance warns of a drop-out; coaching (F1) exists to prevent it."""
    percent = referral.attendance_percent
    threshold = case.state.programme.deadlines.attendance_warning_below_percent
    if percent is None or percent >= threshold:
        return
    if not has_open_task(case, TaskKind.LOW_ATTENDANCE, referral.referral_id):
        open_task(
            case,
            TaskKind.LOW_ATTENDANCE,
            referral.stage,
            referral.referral_id,
            percent=str(percent),
        )


def _raise_language_level(case: Case, stage: Stage, details: OutcomeDetails) -> None:
    """A passed language exam raises the recorded level, which later planning uses."""
    level = details.exam_level
    profile = case.state.profile
    if stage != Stage.LANGUAGE or not details.exam_passed or level is None:
        return
    if language_rank(level) <= language_rank(profile.language_level):
        return
    case.state.profile = profile.with_changes(language_level=level)
    case.emit(ProfileFactsUpdated(**case.meta(), language_level=level))
