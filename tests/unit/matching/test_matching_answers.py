"""Answers: ranked proposals with German explanations, or the unmet need with its gaps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from matching_builders import REGION, TODAY, need, offer

from kette_core.contracts.base import EXAMPLE_PARTICIPANT, example_for
from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.matching import GapReason, NoOfferFound, OffersProposed
from kette_core.contracts.vocabulary import Constraints
from kette_matching.matching.explain import explain_de
from kette_matching.matching.handler import answer_event_id
from kette_matching.matching.match import answer, match
from kette_matching.matching.need import Need
from kette_matching.matching.weights import MatchingRules

pytestmark = pytest.mark.unit

RULES = MatchingRules()
NO_CONSTRAINTS = Constraints(childcare_needed=False, employment_ban=False)


def test_the_explanation_says_level_start_and_way_in_german() -> None:
    course = offer(kommune="Unna", starts_on=TODAY + timedelta(days=12))

    text = explain_de(course, need(kommune="Kamen"), 8, TODAY + timedelta(days=12), TODAY)

    assert text == "A2 erreicht, führt zu B1, Start in 12 Tagen, 8 km von Kamen, 10 Plätze frei"


def test_the_explanation_of_an_outreach_offer_with_childcare_and_rolling_entry() -> None:
    coaching = offer(
        kommune=None,
        rolling_entry=True,
        starts_on=None,
        childcare=True,
        capacity=1,
        language_level_required="none",
        language_level_reached=None,
    )

    text = explain_de(coaching, need(), 0, TODAY, TODAY)

    assert (
        text == "Einstieg jederzeit, aufsuchend im ganzen Kreis, mit Kinderbetreuung, 1 Platz frei"
    )


def test_a_request_with_fitting_offers_is_answered_with_proposals_in_rank_order() -> None:
    request = example_for(ReferralRequested).model_copy(
        update={"kommune": "Kamen", "earliest_start": TODAY, "constraints": NO_CONSTRAINTS}
    )
    offers = [offer(offer_id="in-unna"), offer(offer_id="in-kamen", kommune="Kamen")]

    event = answer(request, match(_need_of(request), offers, REGION, RULES, TODAY))

    assert isinstance(event, OffersProposed)
    assert [p.offer_id for p in event.proposals] == ["in-kamen", "in-unna"]
    assert event.request_id == request.request_id


def test_no_fitting_offer_is_answered_with_the_unmet_need_and_each_filter_that_failed() -> None:
    request = example_for(ReferralRequested).model_copy(
        update={"kommune": "Selm", "earliest_start": TODAY, "constraints": NO_CONSTRAINTS}
    )
    offers = [
        offer(offer_id="full", kommune="Lünen", capacity=2, places_taken=2),
        offer(offer_id="far", kommune="Schwerte"),
    ]

    event = answer(request, match(_need_of(request), offers, REGION, RULES, TODAY))

    assert isinstance(event, NoOfferFound)
    assert event.gap_reasons == (GapReason.NO_FREE_PLACES, GapReason.NO_OFFER_IN_KOMMUNE)
    assert (event.module, event.stage, event.kommune) == (request.module, request.stage, "Selm")
    assert event.target_language_level == request.target_language_level


def test_a_module_without_any_offer_is_a_gap_for_the_module() -> None:
    result = match(need(module="F5"), [offer()], REGION, RULES, TODAY)

    assert result.gap_reasons == (GapReason.NO_OFFER_FOR_MODULE,)
    assert result.rejected == ()


def test_the_answer_id_depends_on_the_request_alone() -> None:
    request = example_for(ReferralRequested)
    again = request.model_copy(update={"kommune": "Werne"})
    other = request.model_copy(update={"request_id": "req-2024-000046"})
    stranger = request.model_copy(update={"participant_id": EXAMPLE_PARTICIPANT[:-4] + "0000"})

    assert answer_event_id(request) == answer_event_id(again)
    assert len({answer_event_id(r) for r in (request, other, stranger)}) == 3


def _need_of(request: ReferralRequested) -> Need:
    return Need.of(request)
