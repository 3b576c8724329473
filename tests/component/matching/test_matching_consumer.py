"""The consumer answers each referral request once, through the outbox, with a stable id."""

from __future__ import annotations

import asyncio

import pytest
from matching_component_support import Harness, eventually, referral_request
from sqlmodel import func, select

from kette_core.contracts import topics
from kette_core.contracts.matching import GapReason, NoOfferFound, OffersProposed
from kette_core.tables import OutboxRecord
from kette_matching.matching.handler import answer_event_id
from kette_matching.matching.tables import AnswerRow

pytestmark = pytest.mark.component


async def test_a_request_is_answered_with_explained_proposals_from_the_catalogue(
    harness: Harness,
) -> None:
    request = referral_request()

    await harness.request(request)
    await eventually(lambda: len(harness.answers) == 1, "the answer")

    [event] = harness.answers
    assert isinstance(event.payload, OffersProposed)
    assert event.id == answer_event_id(request)
    assert event.topic == topics.MATCHING
    assert event.subject == request.participant_id
    assert event.payload.request_id == request.request_id
    assert event.payload.proposals[0].offer_id == "vhs-kamen-boenen.deutsch-b1"
    async with harness.matching.sessions() as session:
        stored = await session.get(AnswerRow, request.request_id)
    assert stored is not None
    assert stored.explained["proposals"][0]["explanation_de"].startswith("A2 erreicht, führt zu B1")


async def test_a_redelivered_request_is_answered_once_with_the_same_event_id(
    harness: Harness,
) -> None:
    request = referral_request()

    first = await harness.request(request)
    await harness.request(request, event_id=first)
    await harness.request(request)  # republished under a new ce_id: still the same answer
    await eventually(lambda: len(harness.answers) >= 1, "the answer")
    await asyncio.sleep(0.3)  # the relay polls every 0.2 s: time for a second send to show

    assert [event.id for event in harness.answers] == [answer_event_id(request)]
    async with harness.matching.sessions() as session:
        rows = (await session.exec(select(func.count()).select_from(OutboxRecord))).one()
    assert rows == 1


async def test_a_request_nothing_fits_is_answered_with_the_unmet_need(harness: Harness) -> None:
    request = referral_request(
        request_id="req-selm-1",
        stage="school",
        module="F3",
        kommune="Selm",
        current_language_level="A1",
        target_language_level=None,
    )

    await harness.request(request)
    await eventually(lambda: len(harness.answers) == 1, "the answer")

    payload = harness.answers[0].payload
    assert isinstance(payload, NoOfferFound)
    assert payload.kommune == "Selm"
    assert GapReason.LANGUAGE_LEVEL_MISMATCH in payload.gap_reasons


async def test_a_malformed_request_goes_to_the_dead_letters_and_the_next_one_is_answered(
    harness: Harness,
) -> None:
    await harness.broker.publish(
        b"{not json",
        topics.CHAIN,
        key=b"p-0f8fad5b-d9cb-469f-a165-70867728950e",
        headers={
            "ce_specversion": "1.0",
            "ce_id": "broken-1",
            "ce_source": "/kette/workflows",
            "ce_type": "kette.chain.referral_requested.v1",
            "ce_time": "2026-03-02T10:00:00Z",
            "content-type": "application/json",
        },
    )
    await harness.request(referral_request())
    await eventually(lambda: len(harness.answers) == 1, "the answer after the broken record")

    [dead] = harness.dead_letters
    assert dead.payload.original_ce_id == "broken-1"
    assert dead.payload.consumer_group == harness.matching.settings.group_id
