"""Where a referral can stand, and which provider report may arrive in which state.

A pure table, the same one the chain applies (kette_workflows.domain.referrals), so a report
the gateway lets through is one the chain takes; `place_unavailable` is a rejection with
reason no_places, since the contract has no event of its own for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReferralState(StrEnum):
    """The referral's state as the gateway tracks it."""

    SENT = "sent"
    ACCEPTED = "accepted"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    REJECTED = "rejected"
    DROPPED_OUT = "dropped_out"
    WITHDRAWN = "withdrawn"


class ReportKind(StrEnum):
    """What a provider may report about a referral."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ENROLLED = "enrolled"
    ATTENDANCE = "attendance"
    EXAM_RESULT = "exam_result"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    PLACE_UNAVAILABLE = "place_unavailable"


S = ReferralState
OPEN_STATES = frozenset({S.SENT, S.ACCEPTED, S.ENROLLED})
"""Still with the provider: a withdrawal must reach it."""

ALLOWED_IN: dict[ReportKind, frozenset[ReferralState]] = {
    ReportKind.ACCEPTED: frozenset({S.SENT}),
    ReportKind.REJECTED: frozenset({S.SENT, S.ACCEPTED}),
    ReportKind.PLACE_UNAVAILABLE: frozenset({S.SENT, S.ACCEPTED}),
    ReportKind.ENROLLED: frozenset({S.SENT, S.ACCEPTED}),
    ReportKind.ATTENDANCE: frozenset({S.ENROLLED}),
    ReportKind.EXAM_RESULT: frozenset({S.ENROLLED, S.COMPLETED}),
    ReportKind.COMPLETED: frozenset({S.ENROLLED}),
    ReportKind.DROPPED_OUT: frozenset({S.ACCEPTED, S.ENROLLED}),
}
"""The states each report may arrive in."""

STATE_AFTER: dict[ReportKind, ReferralState] = {
    ReportKind.ACCEPTED: S.ACCEPTED,
    ReportKind.REJECTED: S.REJECTED,
    ReportKind.PLACE_UNAVAILABLE: S.REJECTED,
    ReportKind.ENROLLED: S.ENROLLED,
    ReportKind.COMPLETED: S.COMPLETED,
    ReportKind.DROPPED_OUT: S.DROPPED_OUT,
}
"""Where a report leaves the referral; attendance and exam results leave it where it is."""

_NEEDS_ENROLMENT = frozenset({ReportKind.ATTENDANCE, ReportKind.EXAM_RESULT, ReportKind.COMPLETED})


@dataclass(frozen=True)
class Conflict:
    """Why a report does not fit the referral's state (code for machines, text for people)."""

    reason: str
    message: str


def conflict(kind: ReportKind, state: ReferralState) -> Conflict | None:
    """None when the report fits; otherwise the most useful reason it does not."""
    if state in ALLOWED_IN[kind]:
        return None
    if state == S.WITHDRAWN:
        return Conflict("referral_withdrawn", "the referral was withdrawn; report nothing more")
    if STATE_AFTER.get(kind) == state:
        return Conflict("already_reported", f"the referral is already {state.value}")
    if state not in OPEN_STATES:
        return Conflict("referral_closed", f"the referral is closed ({state.value})")
    if kind in _NEEDS_ENROLMENT:
        return Conflict("not_enrolled", f"report enrolled first; the referral is {state.value}")
    if kind == ReportKind.DROPPED_OUT:
        return Conflict("not_accepted", "a referral not yet accepted is rejected, not dropped out")
    return Conflict(
        "out_of_order", f"{kind.value} cannot follow; the referral is already {state.value}"
    )


def state_after(kind: ReportKind, state: ReferralState) -> ReferralState:
    """The state once an allowed report is applied."""
    return STATE_AFTER.get(kind, state)
