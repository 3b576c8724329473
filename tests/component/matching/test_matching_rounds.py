"""Rounds in the consumer: requests that wait together share places well, each holds one at most."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa
from matching_component_support import Harness, eventually, referral_request
from sqlmodel import col, select

from kette_core.contracts.base import example_for
from kette_core.contracts.chain import ReferralConfirmed
from kette_core.contracts.matching import GapReason, NoOfferFound, OffersProposed
from kette_core.contracts.vocabulary import Constraints
from kette_matching.allocation.tables import ReservationRow
from kette_matching.catalogue import repository
from kette_matching.catalogue.tables import OfferRow

pytestmark = pytest.mark.component

PART_TIME_KAMEN = "vhs-kamen-boenen.deutsch-b1"
FULL_TIME_UNNA = "vhs-unna.jik"


def flexible() -> Any:
    """First in the queue: fits the part-time course in Kamen best, the JIK in Unna too."""
    return referral_request(request_id="req-flexible", participant_id="p-" + "1" * 32)


def with_child() -> Any:
    """Second: a child to care for, so only the part-time course fits."""
    return referral_request(
        request_id="req-child",
        participant_id="p-" + "2" * 32,
        constraints=Constraints(childcare_needed=True, employment_ban=False),
    )


async def one_place_each_in_kamen_and_unna(harness: Harness) -> None:
    """Every F4 language course full but one place in Kamen (part time) and one in Unna."""
    table = OfferRow.__table__  # type: ignore[attr-defined]
    async with harness.matching.sessions() as session, session.begin():
        await session.exec(
            sa.update(table)
            .where(table.c.module == "F4", table.c.stage == "language")
            .values(places_taken=table.c.capacity)
        )
        await session.exec(
            sa.update(table)
            .where(table.c.offer_id.in_([PART_TIME_KAMEN, FULL_TIME_UNNA]))
            .values(places_taken=table.c.capacity - 1)
        )


def first_offer(harness: Harness, request_id: str) -> str | None:
    [event] = [e for e in harness.answers if e.payload.request_id == request_id]  # type: ignore[attr-defined]
    payload = event.payload
    return payload.proposals[0].offer_id if isinstance(payload, OffersProposed) else None


async def reservations(harness: Harness) -> list[ReservationRow]:
    async with harness.matching.sessions() as session:
        statement = select(ReservationRow).order_by(col(ReservationRow.request_id))
        return list((await session.exec(statement)).all())


class TestAWindowOfOneRound:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"allocation": {"window_seconds": 0.4, "interval_seconds": 0.1}}

    async def test_requests_in_one_window_are_allocated_jointly_so_both_get_a_place(
        self, harness: Harness
    ) -> None:
        await one_place_each_in_kamen_and_unna(harness)
        harness.matching.rounds.start()
        try:
            await harness.request(flexible())
            await harness.request(with_child())
            await eventually(lambda: len(harness.answers) == 2, "both answers")
        finally:
            await harness.matching.rounds.stop()

        assert first_offer(harness, "req-flexible") == FULL_TIME_UNNA
        assert first_offer(harness, "req-child") == PART_TIME_KAMEN
        assert [(r.request_id, r.offer_id) for r in await reservations(harness)] == [
            ("req-child", PART_TIME_KAMEN),
            ("req-flexible", FULL_TIME_UNNA),
        ]


async def test_without_a_window_each_batch_is_a_round_and_the_first_takes_the_scarce_place(
    harness: Harness,
) -> None:
    await one_place_each_in_kamen_and_unna(harness)

    await harness.request(flexible())
    await eventually(lambda: len(harness.answers) == 1, "the first answer")
    await harness.request(with_child())
    await eventually(lambda: len(harness.answers) == 2, "the second answer")

    assert first_offer(harness, "req-flexible") == PART_TIME_KAMEN
    late = [e.payload for e in harness.answers if e.payload.request_id == "req-child"]  # type: ignore[attr-defined]
    assert isinstance(late[0], NoOfferFound)
    assert GapReason.NO_FREE_PLACES in late[0].gap_reasons


async def test_a_redelivered_request_never_reserves_a_second_place(harness: Harness) -> None:
    request = flexible()

    first = await harness.request(request)
    await harness.request(request, event_id=first)
    await harness.request(request)  # under a new ce_id
    await eventually(lambda: len(harness.answers) >= 1, "the answer")

    rows = await reservations(harness)
    assert [(r.request_id, r.state) for r in rows] == [("req-flexible", "reserved")]
    async with harness.matching.sessions() as session:
        offer = await repository.offer(session, rows[0].offer_id)
    assert offer is not None and offer.places_taken == 0


async def test_a_confirmation_turns_the_reservation_into_a_held_place(harness: Harness) -> None:
    request = flexible()
    await harness.request(request)
    await eventually(lambda: len(harness.answers) == 1, "the answer")
    [reserved] = await reservations(harness)
    confirmation = example_for(ReferralConfirmed).model_copy(
        update={
            "participant_id": request.participant_id,
            "request_id": request.request_id,
            "referral_id": "ref-flexible",
            "offer_id": reserved.offer_id,
        }
    )

    await harness.request(confirmation)
    await harness.request(confirmation)

    async def state() -> tuple[str, int]:
        [row] = await reservations(harness)
        async with harness.matching.sessions() as session:
            offer = await repository.offer(session, row.offer_id)
        assert offer is not None
        return row.state, offer.places_taken

    for _ in range(100):
        if await state() == ("settled", 1):
            break
        await asyncio.sleep(0.02)
    assert await state() == ("settled", 1)
