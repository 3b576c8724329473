"""Matching as the player plays it: offers within reach, childcare respected, gaps named."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.matching import GapReason, NoOfferFound, OffersProposed
from kette_core.contracts.vocabulary import Constraints, LanguageLevel, Module, Stage
from kette_devstack.scenario.catalogue import OFFERS_BY_ID, found_by_caseworker, match

pytestmark = pytest.mark.unit

TODAY = date(2025, 3, 14)


def request(**overrides: Any) -> ReferralRequested:
    fields: dict[str, Any] = {
        "participant_id": "p-0f8fad5b-d9cb-469f-a165-70867728950e",
        "request_id": "p-0f8fad5b:match:1",
        "stage": Stage.LANGUAGE,
        "module": Module.F4,
        "target_language_level": LanguageLevel.B1,
        "current_language_level": LanguageLevel.A1,
        "kommune": "Unna",
        "constraints": Constraints(childcare_needed=False, employment_ban=False),
    }
    fields.update(overrides)
    return ReferralRequested(**fields)


def test_the_offer_in_the_persons_own_town_is_proposed_first() -> None:
    answer = match(request(), TODAY)

    assert isinstance(answer, OffersProposed)
    assert answer.proposals[0].offer_id == "vhs-unna.jik"
    assert 1 <= len(answer.proposals) <= 3
    assert [p.score for p in answer.proposals] == sorted(
        (p.score for p in answer.proposals), reverse=True
    )
    assert all(OFFERS_BY_ID[p.offer_id].module == Module.F4 for p in answer.proposals)


def test_offers_already_tried_are_not_proposed_again() -> None:
    answer = match(request(excluded_offer_ids=("vhs-unna.jik",)), TODAY)

    assert isinstance(answer, OffersProposed)
    assert "vhs-unna.jik" not in [p.offer_id for p in answer.proposals]


def test_someone_needing_childcare_gets_only_offers_with_childcare() -> None:
    needs_childcare = Constraints(childcare_needed=True, employment_ban=False)
    answer = match(request(constraints=needs_childcare), TODAY)

    assert isinstance(answer, OffersProposed)
    assert [p.offer_id for p in answer.proposals] == ["awo-unna.sprachkurs-kita"]


def test_no_school_course_with_childcare_is_a_childcare_gap_the_caseworker_then_solves() -> None:
    needs_childcare = Constraints(childcare_needed=True, employment_ban=False)
    school = request(
        stage=Stage.SCHOOL,
        module=Module.F3,
        target_language_level=None,
        kommune="Werne",
        constraints=needs_childcare,
    )

    answer = match(school, TODAY)
    booked = found_by_caseworker(Stage.SCHOOL, Module.F3, "Werne", tried=set())

    assert isinstance(answer, NoOfferFound)
    assert answer.gap_reasons == (GapReason.NO_CHILDCARE,)
    assert booked is not None and booked.module == Module.F3
