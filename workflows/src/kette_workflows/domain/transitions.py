"""Which outcome may follow which state: one table for provider reports and caseworker entries."""

from __future__ import annotations

from kette_workflows.domain.vocabulary import ReferralStatus, ReportKind, StagePhase

_SENT, _ACCEPTED, _ENROLLED = ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED

REFERRAL_OUTCOMES: dict[ReportKind, frozenset[ReferralStatus]] = {
    ReportKind.ACCEPTED: frozenset({_SENT}),
    ReportKind.REJECTED: frozenset({_SENT, _ACCEPTED}),
    ReportKind.ENROLLED: frozenset({_SENT, _ACCEPTED}),
    ReportKind.ATTENDANCE: frozenset({_ENROLLED}),
    ReportKind.EXAM_RESULT: frozenset({_ENROLLED, ReferralStatus.COMPLETED}),
    ReportKind.COMPLETED: frozenset({_SENT, _ACCEPTED, _ENROLLED}),
    ReportKind.DROPPED_OUT: frozenset({_ACCEPTED, _ENROLLED}),
}
"""Referral status a report may arrive in; anything else is a duplicate or too late."""

STAGE_OUTCOMES: dict[ReportKind, frozenset[StagePhase]] = {
    ReportKind.ENROLLED: frozenset({StagePhase.MATCHING, StagePhase.AWAITING_DECISION}),
    ReportKind.COMPLETED: frozenset(
        {
            StagePhase.MATCHING,
            StagePhase.AWAITING_DECISION,
            StagePhase.IN_PROGRESS,
            StagePhase.ONGOING,
        }
    ),
    ReportKind.DROPPED_OUT: frozenset(
        {StagePhase.IN_PROGRESS, StagePhase.ONGOING, StagePhase.FOLLOW_UP}
    ),
}
"""Outcomes the caseworker may record for a stage without a referral (found on her own)."""


def referral_outcome_allowed(status: ReferralStatus, outcome: ReportKind) -> bool:
    """A report fits the referral's current status."""
    return status in REFERRAL_OUTCOMES[outcome]


def stage_outcome_allowed(phase: StagePhase, outcome: ReportKind) -> bool:
    """A referral-less outcome fits the stage's phase."""
    return phase in STAGE_OUTCOMES.get(outcome, frozenset())
