"""What providers report about a referral, reduced so that arrival order cannot matter.

A referral's status is the greatest report by (ended, day, kind): an end (dropped out,
completed) outranks the enrolment whenever it arrives, a later end outranks an earlier
one, and on the same day completed outranks dropped out. Taking a maximum is commutative
and idempotent, so any order and any redelivery of the same reports gives the same status.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class EnrolmentState(StrEnum):
    """Where a referred person stands with the provider."""

    ENROLLED = "enrolled"
    DROPPED_OUT = "dropped_out"
    COMPLETED = "completed"


ENDED = frozenset({EnrolmentState.DROPPED_OUT, EnrolmentState.COMPLETED})
_KIND_RANK = {
    EnrolmentState.ENROLLED: 0,
    EnrolmentState.DROPPED_OUT: 1,
    EnrolmentState.COMPLETED: 2,
}

Status = tuple[EnrolmentState, date]


def rank(status: Status) -> tuple[bool, date, int]:
    """The order reports are reduced by."""
    state, day = status
    return state in ENDED, day, _KIND_RANK[state]


def after(existing: Status | None, report: Status) -> Status:
    """The status once `report` is taken in."""
    if existing is None:
        return report
    return max(existing, report, key=rank)
