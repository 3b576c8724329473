"""The catalogue and the answers are stored alike on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.base import EXAMPLE_PARTICIPANT, example_for
from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.vocabulary import Constraints, LanguageLevel, Module, Stage
from kette_core.envelope import ReceivedEvent
from kette_core.inbox import Inbox
from kette_core.tables import OutboxRecord
from kette_matching.catalogue import repository
from kette_matching.catalogue.rules import OfferDraft
from kette_matching.catalogue.seed import kreis_unna_region, seed_catalogue
from kette_matching.catalogue.service import load_seed, put_offer
from kette_matching.gaps.tables import GapRow
from kette_matching.matching.handler import RequestHandler, answer_event_id
from kette_matching.matching.tables import AnswerRow
from kette_matching.matching.weights import MatchingRules
from kette_matching.places.ledger import hold, release
from kette_matching.places.rules import HoldState

pytestmark = pytest.mark.integration

TODAY = date(2026, 3, 2)
REGION = kreis_unna_region()


def as_received(request: ReferralRequested, ce_id: str) -> ReceivedEvent[ReferralRequested]:
    """The request as the consumer hands it over, published on TODAY at nine."""
    return ReceivedEvent(
        id=ce_id,
        type=request.event_type,
        source="/kette/workflows",
        time=datetime(2026, 3, 2, 9, tzinfo=UTC),
        subject=request.participant_id,
        payload=request,
    )


async def test_the_seed_loads_once_and_a_coordinators_change_survives_a_reload(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        seeded = await repository.offer(session, "vhs-unna.jik")
    assert seeded is not None
    changed = OfferDraft.model_validate(
        {**seeded.model_dump(exclude={"places_taken"}), "capacity": 7}
    )

    await put_offer(sessions, changed, REGION)
    added_again = await load_seed(sessions, seed_catalogue(TODAY))

    async with sessions() as session:
        stored = await repository.offer(session, "vhs-unna.jik")
        language_f4 = await repository.offers(session, Module.F4, Stage.LANGUAGE)
    assert added_again == 0
    assert stored == seeded.model_copy(update={"capacity": 7})
    assert len(language_f4) == 7


async def test_the_database_itself_refuses_a_negative_capacity(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await session.exec(
                sa.update(sa.table("offer", sa.column("capacity"), sa.column("offer_id")))
                .where(sa.column("offer_id") == "vhs-unna.jik")
                .values(capacity=-1)
            )


async def test_an_answer_and_its_event_commit_with_the_inbox_and_only_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    request = example_for(ReferralRequested).model_copy(
        update={
            "participant_id": EXAMPLE_PARTICIPANT,
            "kommune": "Unna",
            "earliest_start": TODAY,
            "constraints": Constraints(childcare_needed=False, employment_ban=False),
        }
    )
    event = as_received(request, "ce-1")
    handler = RequestHandler(REGION, MatchingRules(), "/kette/matching", "kette.matching.v1")
    inbox = Inbox(sessions, consumer="matching.test")

    assert await inbox.apply_once(event, handler) is True
    assert await inbox.apply_once(event, handler) is False

    async with sessions() as session:
        answer = await session.get(AnswerRow, request.request_id)
        outbox = (await session.exec(select(OutboxRecord))).all()
        count = (await session.exec(select(func.count()).select_from(AnswerRow))).one()
    assert answer is not None and count == 1
    assert [row.ce_id for row in outbox] == [answer_event_id(request)]
    assert answer.explained["proposals"][0]["explanation_de"].startswith("führt zu B1")


async def test_the_last_free_place_goes_to_one_referral_and_its_release_frees_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    offer_id = "metallbau-werne.produktion"  # two places
    async with sessions() as session, session.begin():
        states = [
            await hold(session, ref, offer_id, EXAMPLE_PARTICIPANT) for ref in ("a", "b", "c")
        ]
    async with sessions() as session, session.begin():
        freed = await release(session, "a", EXAMPLE_PARTICIPANT, "dropped_out")
    async with sessions() as session:
        offer = await repository.offer(session, offer_id)

    assert states == [HoldState.HELD, HoldState.HELD, HoldState.OVERBOOKED]
    assert freed is True
    assert offer is not None and offer.places_taken == 1


async def test_the_database_itself_refuses_more_places_taken_than_capacity(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await session.exec(
                sa.update(sa.table("offer", sa.column("places_taken"), sa.column("offer_id")))
                .where(sa.column("offer_id") == "metallbau-werne.produktion")
                .values(places_taken=3)
            )


async def test_an_unmet_request_is_kept_as_a_gap_for_the_report(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    request = example_for(ReferralRequested).model_copy(
        update={
            "request_id": "req-gap",
            "stage": Stage.SCHOOL,
            "module": Module.F3,
            "kommune": "Selm",
            "current_language_level": LanguageLevel.A1,
            "target_language_level": None,
            "earliest_start": TODAY,
        }
    )
    event = as_received(request, "ce-gap")
    handler = RequestHandler(REGION, MatchingRules(), "/kette/matching", "kette.matching.v1")

    await Inbox(sessions, consumer="matching.test").apply_once(event, handler)

    async with sessions() as session:
        gap = await session.get(GapRow, "req-gap")
    assert gap is not None
    assert (gap.requested_on, gap.kommune, gap.module) == (date(2026, 3, 2), "Selm", "F3")
    assert gap.gap_reasons == ["language_level_mismatch"]
