"""Rounds on SQLite and PostgreSQL: the oversubscribed Kreis Unna case answered once, jointly."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.base import example_for
from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.vocabulary import Constraints
from kette_core.envelope import ReceivedEvent
from kette_core.inbox import Inbox
from kette_core.tables import OutboxRecord
from kette_matching.allocation.policy import AllocationRules, Policy
from kette_matching.allocation.rounds import run_round
from kette_matching.allocation.scarce_case import FREE_PLACES, kreis_unna_case
from kette_matching.allocation.tables import OpenRequestRow, ReservationRow
from kette_matching.catalogue.seed import kreis_unna_region
from kette_matching.catalogue.tables import OfferRow
from kette_matching.matching.handler import RequestHandler
from kette_matching.matching.tables import AnswerRow
from kette_matching.matching.weights import MatchingRules
from kette_matching.participants.tables import ParticipantFactsRow

pytestmark = pytest.mark.integration

TODAY = date(2026, 3, 2)
REGION = kreis_unna_region()


@pytest.fixture(autouse=True)
async def scarce(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The seeded F4 language courses with only the case's free places left."""
    table = OfferRow.__table__  # type: ignore[attr-defined]
    async with sessions() as session, session.begin():
        for offer_id, free in FREE_PLACES.items():
            await session.exec(
                sa.update(table)
                .where(table.c.offer_id == offer_id)
                .values(places_taken=table.c.capacity - free)
            )


def case_requests() -> list[ReferralRequested]:
    """The case's needs as the chain would ask, one participant each."""
    requests = []
    for i, need in enumerate(kreis_unna_case(TODAY).needs):
        requests.append(
            example_for(ReferralRequested).model_copy(
                update={
                    "participant_id": f"p-{i:032x}",
                    "request_id": f"req-{i}",
                    "kommune": need.kommune,
                    "current_language_level": need.current_language_level,
                    "target_language_level": need.target_language_level,
                    "constraints": Constraints(
                        childcare_needed=need.childcare_needed, employment_ban=False
                    ),
                    "earliest_start": TODAY,
                    "excluded_offer_ids": (),
                }
            )
        )
    return requests


async def queue_the_case(
    sessions: async_sessionmaker[AsyncSession], handler: RequestHandler
) -> list[ReferralRequested]:
    """Facts (gender) first, then each request through the inbox, a second apart."""
    requests = case_requests()
    needs = kreis_unna_case(TODAY).needs
    async with sessions() as session, session.begin():
        for request, need in zip(requests, needs, strict=True):
            gender = "female" if need.woman else "male"
            session.add(
                ParticipantFactsRow(
                    participant_id=request.participant_id, age_band="24-27", gender=gender
                )
            )
    inbox = Inbox(sessions, consumer="matching.test")
    for i, request in enumerate(requests):
        event = ReceivedEvent(
            id=f"ce-{i}",
            type=request.event_type,
            source="/kette/workflows",
            time=datetime(2026, 3, 2, 9, 0, i, tzinfo=UTC),
            subject=request.participant_id,
            payload=request,
        )
        assert await inbox.apply_once(event, handler)
    return requests


async def count(sessions: async_sessionmaker[AsyncSession], table: type) -> int:
    async with sessions() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


@pytest.mark.parametrize("policy", [Policy.GREEDY, Policy.JOINT])
async def test_one_round_answers_the_queued_case_once_and_reserves_what_it_allocated(
    sessions: async_sessionmaker[AsyncSession], policy: Policy
) -> None:
    handler = RequestHandler(
        REGION,
        MatchingRules(),
        "/kette/matching",
        "kette.matching.v1",
        allocation=AllocationRules(policy=policy),
        round_now=False,
    )
    await queue_the_case(sessions, handler)
    assert await count(sessions, AnswerRow) == 0

    async with sessions() as session, session.begin():
        report = await run_round(session, handler.answering)
    async with sessions() as session, session.begin():
        again = await run_round(session, handler.answering)

    assert (report.answered, again.answered) == (20, 0)
    assert report.placed == {Policy.GREEDY: 14, Policy.JOINT: 17}[policy]
    assert await count(sessions, ReservationRow) == report.placed
    assert await count(sessions, AnswerRow) == await count(sessions, OutboxRecord) == 20
    assert await count(sessions, OpenRequestRow) == 0


async def test_concurrent_rounds_answer_each_request_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    handler = RequestHandler(
        REGION, MatchingRules(), "/kette/matching", "kette.matching.v1", round_now=False
    )
    await queue_the_case(sessions, handler)

    async def one_round() -> int:
        async with sessions() as session, session.begin():
            return (await run_round(session, handler.answering)).answered

    answered = await asyncio.gather(one_round(), one_round())

    assert sorted(answered) == [0, 20]
    assert await count(sessions, ReservationRow) == 17
    assert await count(sessions, OutboxRecord) == 20
