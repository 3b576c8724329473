"""When a referral holds or frees a place; the database's guarded update does the counting."""

from __future__ import annotations

from enum import StrEnum

from kette_core.contracts.chain import Outcome


class HoldState(StrEnum):
    """A referral's claim on a place."""

    HELD = "held"
    OVERBOOKED = "overbooked"
    """Confirmed while the offer was full: recorded, but it takes no place."""
    RELEASED = "released"
    OUTSIDE_CATALOGUE = "outside_catalogue"
    """An offer the caseworker found herself, which the catalogue does not count."""


RELEASING_OUTCOMES = frozenset(
    {
        Outcome.REJECTED,
        Outcome.NO_SHOW,
        Outcome.DROPPED_OUT,
        Outcome.COMPLETED,
        Outcome.PASSED,
        Outcome.FAILED,
    }
)
"""Outcomes that end a referral's time in the course; accepted, enrolled, attendance keep it."""


def wants_place(existing: HoldState | None) -> bool:
    """Only a referral seen for the first time asks for a place.

    A redelivered confirmation finds its own hold; a confirmation arriving after its release
    (whatever the order on the topic) finds the release and stays released.
    """
    return existing is None


def after_release(existing: HoldState | None) -> tuple[HoldState, bool]:
    """The referral's state after it ended, and whether that frees a place.

    A release before any confirmation is remembered, so a late confirmation holds nothing.
    """
    return HoldState.RELEASED, existing == HoldState.HELD
