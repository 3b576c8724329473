"""Enrolment status: whatever order the providers' reports arrive in, the same status."""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kette_matching.places.enrolment import EnrolmentState, Status, after

pytestmark = pytest.mark.unit

DAY = date(2026, 4, 8)
reports = st.lists(
    st.tuples(
        st.sampled_from(EnrolmentState), st.integers(0, 60).map(lambda d: DAY + timedelta(d))
    ),
    min_size=1,
    max_size=8,
)


def reduced(sequence: list[Status]) -> Status | None:
    return reduce(after, sequence, None)


@settings(deadline=None)  # no per-example time limit: CI's two cores are shared
@given(reports, st.randoms())
def test_any_order_and_any_repetition_of_the_reports_gives_the_same_status(
    sequence: list[Status], random: Random
) -> None:
    shuffled = list(sequence) + list(sequence[:2])
    random.shuffle(shuffled)

    assert reduced(shuffled) == reduced(sequence)


def test_an_enrolment_arriving_after_the_drop_out_does_not_revive_the_referral() -> None:
    dropped = (EnrolmentState.DROPPED_OUT, DAY + timedelta(days=30))

    assert after(dropped, (EnrolmentState.ENROLLED, DAY)) == dropped


def test_the_later_end_wins_and_on_one_day_completion_outranks_a_drop_out() -> None:
    early_drop = (EnrolmentState.DROPPED_OUT, DAY)
    completed = (EnrolmentState.COMPLETED, DAY + timedelta(days=90))

    assert after(completed, early_drop) == completed
    assert after((EnrolmentState.DROPPED_OUT, DAY), (EnrolmentState.COMPLETED, DAY)) == (
        EnrolmentState.COMPLETED,
        DAY,
    )
