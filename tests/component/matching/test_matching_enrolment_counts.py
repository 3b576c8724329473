"""Providers' reports keep enrolment counts per offer true, in any order of arrival."""

from __future__ import annotations

import asyncio
from datetime import date
from itertools import permutations
from typing import Any

import httpx
import pytest
from matching_component_support import Harness

from kette_core.contracts.base import example_for
from kette_core.contracts.chain import ReferralConfirmed
from kette_core.contracts.referrals import (
    ParticipantDroppedOut,
    ParticipantEnrolled,
    ReferralCompleted,
)

pytestmark = pytest.mark.component

OFFER = "metallbau-werne.produktion"  # two places


def confirmed(referral_id: str) -> ReferralConfirmed:
    return example_for(ReferralConfirmed).model_copy(
        update={"referral_id": referral_id, "offer_id": OFFER, "request_id": f"req-{referral_id}"}
    )


def enrolled(referral_id: str) -> ParticipantEnrolled:
    return example_for(ParticipantEnrolled).model_copy(
        update={"referral_id": referral_id, "occurred_on": date(2026, 4, 8)}
    )


def dropped(referral_id: str) -> ParticipantDroppedOut:
    return example_for(ParticipantDroppedOut).model_copy(
        update={"referral_id": referral_id, "occurred_on": date(2026, 6, 14)}
    )


def completed(referral_id: str) -> ReferralCompleted:
    return example_for(ReferralCompleted).model_copy(
        update={"referral_id": referral_id, "occurred_on": date(2026, 10, 4)}
    )


FACTS: list[Any] = [confirmed("a"), enrolled("a"), dropped("a"), confirmed("b"), enrolled("b")]
ORDERS = [list(order) for order in list(permutations(FACTS))[::17]]


@pytest.mark.parametrize(
    "order",
    ORDERS,
    ids=lambda order: "-".join(f"{type(f).__name__[:6]}:{f.referral_id}" for f in order),
)
async def test_counts_and_places_are_the_same_whatever_order_the_reports_arrive_in(
    harness: Harness, api: httpx.AsyncClient, order: list[Any]
) -> None:
    for fact in order:
        await harness.request(fact)
    await harness.request(dropped("a"))  # redelivered under a new ce_id: changes nothing
    await asyncio.sleep(0.05)

    places = (await api.get(f"/places/{OFFER}")).json()

    assert places["enrolment"] == {"enrolled": 1, "dropped_out": 1, "completed": 0}
    assert (places["capacity"], places["places_taken"], places["free_places"]) == (2, 1, 1)


async def test_ends_free_places_once_and_never_below_zero(
    harness: Harness, api: httpx.AsyncClient
) -> None:
    for fact in (confirmed("a"), completed("a"), dropped("a"), completed("a"), enrolled("a")):
        await harness.request(fact)
    await asyncio.sleep(0.05)

    places = (await api.get(f"/places/{OFFER}")).json()
    every = {p["offer_id"]: p for p in (await api.get("/places")).json()}

    assert places["places_taken"] == 0
    assert places["enrolment"] == {"enrolled": 0, "dropped_out": 0, "completed": 1}
    assert every[OFFER] == places
