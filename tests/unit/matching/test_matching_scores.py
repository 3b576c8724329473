"""Scores: named weights, each part in its direction, and the ranking that follows from them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_builders import REGION, TODAY, need, offer

from kette_core.contracts.matching import MatchReason
from kette_core.contracts.vocabulary import LANGUAGE_ORDER, LanguageLevel
from kette_matching.catalogue.models import Offer
from kette_matching.catalogue.seed import seed_catalogue
from kette_matching.matching.filters import failed_filter
from kette_matching.matching.match import match
from kette_matching.matching.need import Need
from kette_matching.matching.scoring import Parts, level_part, weighted
from kette_matching.matching.weights import MatchingRules

pytestmark = pytest.mark.unit

RULES = MatchingRules()
TOWNS = REGION.kommunen
weights = st.floats(min_value=0, max_value=10, allow_nan=False)
units = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(deadline=None)  # no per-example time limit: CI's two cores are shared
@given(st.builds(Parts, travel=units, start=units, level=units, childcare=units))
def test_a_score_always_lies_between_zero_and_one(parts: Parts) -> None:
    rules = MatchingRules(travel_weight=2, start_weight=0, level_weight=1, childcare_weight=5)

    assert 0.0 <= weighted(parts, rules) <= 1.0
    assert 0.0 <= weighted(parts, RULES) <= 1.0


@settings(deadline=None)
@given(weights, weights, weights, weights)
def test_a_weight_of_zero_makes_its_part_irrelevant(
    travel: float, start: float, level: float, childcare: float
) -> None:
    rules = MatchingRules(
        travel_weight=travel, start_weight=start, level_weight=level, childcare_weight=0
    )
    with_childcare = Parts(travel=0.3, start=0.6, level=0.9, childcare=1.0)
    without = with_childcare.model_copy(update={"childcare": 0.0})

    if rules.total_weight() > 0:
        assert weighted(with_childcare, rules) == weighted(without, rules)


def test_only_the_travel_weight_ranks_the_nearer_offer_first() -> None:
    rules = MatchingRules(travel_weight=1, start_weight=0, level_weight=0, childcare_weight=0)
    near = offer(offer_id="near", kommune="Kamen", starts_on=TODAY + timedelta(days=60))
    far = offer(offer_id="far", kommune="Lünen", starts_on=TODAY + timedelta(days=1))

    result = match(need(), [far, near], REGION, rules, TODAY)

    assert [r.offer.offer_id for r in result.proposals] == ["near", "far"]


def test_only_the_start_weight_ranks_the_earlier_start_first() -> None:
    rules = MatchingRules(travel_weight=0, start_weight=1, level_weight=0, childcare_weight=0)
    near = offer(offer_id="near", kommune="Kamen", starts_on=TODAY + timedelta(days=60))
    far = offer(offer_id="far", kommune="Lünen", starts_on=TODAY + timedelta(days=1))

    result = match(need(), [far, near], REGION, rules, TODAY)

    assert [r.offer.offer_id for r in result.proposals] == ["far", "near"]


@pytest.mark.parametrize(
    ("reached", "expected"),
    [("B1", 1.0), ("B2", 0.8), ("A2", 0.6), ("A1", 0.2), (None, 0.5)],
)
def test_the_level_part_prefers_an_offer_that_leads_exactly_to_the_target(
    reached: str | None, expected: float
) -> None:
    assert level_part(offer(language_level_reached=reached), need()) == pytest.approx(expected)


def test_childcare_on_site_outranks_part_time_for_someone_with_a_child() -> None:
    part_time = offer(offer_id="part-time", time_model="part_time")
    with_childcare = offer(offer_id="kita", time_model="full_time", childcare=True)

    result = match(need(childcare_needed=True), [part_time, with_childcare], REGION, RULES, TODAY)

    assert [r.offer.offer_id for r in result.proposals] == ["kita", "part-time"]
    assert MatchReason.CHILDCARE_AVAILABLE in result.proposals[0].reasons


needs = st.builds(
    Need,
    stage=st.sampled_from(["language", "school", "apprenticeship", "job"]),
    module=st.sampled_from(["F1", "F2", "F3", "F4", "F5", "F6"]),
    kommune=st.sampled_from(TOWNS),
    current_language_level=st.sampled_from(LANGUAGE_ORDER),
    target_language_level=st.one_of(st.none(), st.sampled_from(LANGUAGE_ORDER)),
    childcare_needed=st.booleans(),
    employment_ban=st.booleans(),
    earliest_start=st.one_of(st.none(), st.dates(TODAY, TODAY + timedelta(days=200))),
)
SEED = seed_catalogue(TODAY)


@settings(deadline=None)
@given(needs, st.integers(min_value=1, max_value=5))
def test_every_proposal_passed_every_filter_and_they_come_best_first(
    seeker: Need, max_proposals: int
) -> None:
    rules = MatchingRules(max_proposals=max_proposals)

    result = match(seeker, SEED.offers, REGION, rules, TODAY)

    assert len(result.proposals) <= max_proposals
    assert all(
        failed_filter(r.offer, seeker, REGION, rules, TODAY) is None for r in result.proposals
    )
    scores = [r.score for r in result.proposals]
    assert scores == sorted(scores, reverse=True)
    assert bool(result.proposals) != bool(result.gap_reasons)
    assert all(r.starts_on >= (seeker.earliest_start or TODAY) for r in result.proposals)


def _offers_of(level: LanguageLevel) -> list[Offer]:
    return [offer(offer_id=f"o-{level.value.lower()}", language_level_reached=level)]


def test_a_better_level_fit_never_lowers_the_score() -> None:
    scores = {
        level: match(need(), _offers_of(level), REGION, RULES, TODAY).proposals[0].score
        for level in (LanguageLevel.A1, LanguageLevel.A2, LanguageLevel.B1)
    }

    assert scores[LanguageLevel.A1] < scores[LanguageLevel.A2] < scores[LanguageLevel.B1]
