"""Places stay true: a confirmed referral holds one, its end frees it, in any order, once."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_component_support import Harness
from sqlmodel import select

from kette_core.contracts.base import EXAMPLE_PARTICIPANT, example_for
from kette_core.contracts.chain import (
    Outcome,
    OutcomeRecorded,
    ReferralConfirmed,
    ReferralWithdrawalReason,
    ReferralWithdrawn,
)
from kette_core.contracts.vocabulary import Module, Stage
from kette_core.db import create_engine, session_factory
from kette_matching.app import migrate
from kette_matching.catalogue import repository
from kette_matching.catalogue.tables import OfferRow, ProviderRow
from kette_matching.matching.filters import Filter
from kette_matching.matching.match import match
from kette_matching.matching.need import Need
from kette_matching.matching.weights import MatchingRules
from kette_matching.places.ledger import hold, release
from kette_matching.places.rules import HoldState
from kette_matching.places.tables import PlaceHoldRow

pytestmark = pytest.mark.component

OFFER = "vhs-unna.jik"


def confirmed(referral_id: str, offer_id: str = OFFER) -> ReferralConfirmed:
    return example_for(ReferralConfirmed).model_copy(
        update={"referral_id": referral_id, "offer_id": offer_id, "provider_id": "vhs-unna"}
    )


def withdrawn(referral_id: str) -> ReferralWithdrawn:
    return example_for(ReferralWithdrawn).model_copy(
        update={"referral_id": referral_id, "reason": ReferralWithdrawalReason.PROVIDER_NO_RESPONSE}
    )


def outcome(referral_id: str, what: Outcome) -> OutcomeRecorded:
    return example_for(OutcomeRecorded).model_copy(
        update={"referral_id": referral_id, "outcome": what, "language_level_reached": None}
    )


async def places_taken(harness: Harness, offer_id: str = OFFER) -> int:
    async with harness.matching.sessions() as session:
        offer = await repository.offer(session, offer_id)
    assert offer is not None
    return offer.places_taken


async def settled(harness: Harness) -> None:
    """The in-memory broker hands records over at once; give the handlers a moment."""
    await asyncio.sleep(0.05)


async def test_a_confirmed_referral_holds_one_place_however_often_it_is_delivered(
    harness: Harness,
) -> None:
    first = await harness.request(confirmed("ref-1"))
    await harness.request(confirmed("ref-1"), event_id=first)
    await harness.request(confirmed("ref-1"))
    await settled(harness)

    assert await places_taken(harness) == 1


@pytest.mark.parametrize(
    "ending",
    [
        withdrawn("ref-1"),
        outcome("ref-1", Outcome.REJECTED),
        outcome("ref-1", Outcome.DROPPED_OUT),
        outcome("ref-1", Outcome.COMPLETED),
    ],
    ids=lambda fact: getattr(fact, "outcome", "withdrawn"),
)
async def test_the_end_of_a_referral_frees_its_place_once(harness: Harness, ending: Any) -> None:
    await harness.request(confirmed("ref-1"))
    await harness.request(confirmed("ref-2"))
    await harness.request(ending)
    await harness.request(outcome("ref-1", Outcome.DROPPED_OUT))  # a second ending frees nothing
    await settled(harness)

    assert await places_taken(harness) == 1


async def test_enrolment_keeps_the_place_and_a_late_confirmation_after_the_end_holds_none(
    harness: Harness,
) -> None:
    await harness.request(withdrawn("ref-late"))
    await harness.request(confirmed("ref-late"))
    await harness.request(confirmed("ref-1"))
    await harness.request(outcome("ref-1", Outcome.ENROLLED))
    await settled(harness)

    assert await places_taken(harness) == 1


async def test_a_place_beyond_capacity_is_recorded_as_overbooked_and_the_full_offer_not_proposed(
    harness: Harness,
) -> None:
    async with harness.matching.sessions() as session:
        offer = await repository.offer(session, "metallbau-werne.produktion")
    assert offer is not None and offer.capacity == 2
    for referral in ("ref-a", "ref-b", "ref-c"):
        await harness.request(confirmed(referral, offer_id=offer.offer_id))
    await settled(harness)

    async with harness.matching.sessions() as session:
        states = {
            row.referral_id: row.state for row in (await session.exec(select(PlaceHoldRow))).all()
        }
    assert await places_taken(harness, offer.offer_id) == 2
    assert sorted(states.values()) == ["held", "held", "overbooked"]
    async with harness.matching.sessions() as session:
        jobs = await repository.offers(session, Module.F1, Stage.JOB)
    need = Need(stage=Stage.JOB, module=Module.F1, kommune="Werne", current_language_level="B1")
    result = match(need, jobs, harness.matching.region, MatchingRules(), date.today())
    assert offer.offer_id not in [r.offer.offer_id for r in result.proposals]
    assert (offer.offer_id, Filter.PLACES) in [(r.offer_id, r.failed) for r in result.rejected]


# -- any order, on the real schema -----------------------------------------------------------

REFERRALS = ("r1", "r2", "r3", "r4")
facts = st.lists(
    st.tuples(st.sampled_from(["confirm", "release"]), st.sampled_from(REFERRALS)), max_size=20
)


@pytest.fixture(scope="module")
def migrated_template() -> Iterator[Path]:
    """One migrated database with one offer of two places, copied for every example."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.db"

        async def build() -> None:
            await migrate(f"sqlite+aiosqlite:///{path}")
            engine = create_engine(f"sqlite+aiosqlite:///{path}")
            async with session_factory(engine)() as session, session.begin():
                session.add(
                    ProviderRow(provider_id="vhs-unna", name="VHS", kind="vhs", modules=["F4"])
                )
                await session.flush()
                session.add(
                    OfferRow(
                        offer_id=OFFER,
                        provider_id="vhs-unna",
                        module="F4",
                        stage="language",
                        title="Kurs",
                        time_model="full_time",
                        capacity=2,
                        language_level_required="none",
                        age_bands=[],
                    )
                )
            await engine.dispose()

        asyncio.run(build())
        yield path


@settings(max_examples=40, deadline=None)
@given(facts)
def test_in_any_order_places_taken_equal_the_holds_and_stay_within_capacity(
    migrated_template: Path, sequence: list[tuple[str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "example.db"
        shutil.copy(migrated_template, path)
        taken, states = asyncio.run(_play(path, sequence))

    assert 0 <= taken <= 2
    assert taken == sum(1 for state in states.values() if state == HoldState.HELD)
    for referral_id in REFERRALS:
        kinds = {kind for kind, r in sequence if r == referral_id}
        if "release" in kinds:
            assert states[referral_id] == HoldState.RELEASED
        elif kinds:
            assert states[referral_id] in (HoldState.HELD, HoldState.OVERBOOKED)


async def _play(path: Path, sequence: list[tuple[str, str]]) -> tuple[int, dict[str, HoldState]]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = session_factory(engine)
    try:
        for kind, referral_id in sequence:
            async with sessions() as session, session.begin():
                if kind == "confirm":
                    await hold(session, referral_id, OFFER, EXAMPLE_PARTICIPANT)
                else:
                    await release(session, referral_id, EXAMPLE_PARTICIPANT, "withdrawn")
        async with sessions() as session:
            offer = await repository.offer(session, OFFER)
            rows = (await session.exec(select(PlaceHoldRow))).all()
    finally:
        await engine.dispose()
    assert offer is not None
    return offer.places_taken, {row.referral_id: HoldState(row.state) for row in rows}
