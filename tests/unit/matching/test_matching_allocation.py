"""Allocation: capacity and one offer per request always hold; joint is never worse than greedy."""

from __future__ import annotations

from collections import Counter
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_builders import REGION, TODAY, need, offer

from kette_core.contracts.matching import GapReason
from kette_matching.allocation.greedy import greedy
from kette_matching.allocation.joint import joint
from kette_matching.allocation.plan import plan_round
from kette_matching.allocation.problem import Allocation, Problem, weight_of
from kette_matching.allocation.scarce_case import kreis_unna_case
from kette_matching.matching.filters import Filter
from kette_matching.matching.weights import MatchingRules

pytestmark = pytest.mark.unit

RULES = MatchingRules()


def test_greedy_serves_in_arrival_order_and_joint_gives_the_place_to_who_it_suits_best() -> None:
    # request 0 fits both offers (0.6 and 0.5); request 1 fits only offer 0, far better (0.9)
    problem = Problem.of(2, [1, 1], [(0, 0, 0.6), (0, 1, 0.5), (1, 0, 0.9)])

    first_come, together = greedy(problem), joint(problem)

    assert first_come.offer_of == (0, -1)
    assert together.offer_of == (1, 0)
    assert (first_come.placed, together.placed) == (1, 2)
    assert together.score == pytest.approx(1.4)


def test_a_request_without_a_feasible_arc_and_a_full_offer_get_nothing() -> None:
    problem = Problem.of(3, [0, 2], [(0, 0, 0.9), (1, 1, 0.4)])

    for allocation in (greedy(problem), joint(problem)):
        assert allocation.offer_of == (-1, 1, -1)


def test_an_empty_round_allocates_nothing() -> None:
    assert joint(Problem.of(0, [], [])).placed == greedy(Problem.of(0, [], [])).placed == 0


@pytest.mark.parametrize(
    ("requests", "capacities", "arcs"),
    [
        (1, [1], [(1, 0, 0.5)]),
        (1, [1], [(0, 1, 0.5)]),
        (1, [-1], [(0, 0, 0.5)]),
    ],
    ids=["unknown request", "unknown offer", "negative capacity"],
)
def test_a_problem_naming_what_does_not_exist_is_refused(
    requests: int, capacities: list[int], arcs: list[tuple[int, int, float]]
) -> None:
    with pytest.raises(ValueError, match=r"request|negative"):
        Problem.of(requests, capacities, arcs)


def test_a_zero_score_still_beats_no_place() -> None:
    assert weight_of(0.0) == 1
    assert joint(Problem.of(1, [1], [(0, 0, 0.0)])).offer_of == (0,)


# -- properties ------------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """Up to 8 requests and 5 offers, capacities 0 to 3, any subset of arcs with any score."""
    requests = draw(st.integers(0, 8))
    capacities = draw(st.lists(st.integers(0, 3), min_size=1, max_size=5))
    pairs = list(product(range(requests), range(len(capacities))))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True) if pairs else st.just([]))
    scores = st.floats(0, 1, allow_nan=False)
    return Problem.of(requests, capacities, [(r, o, draw(scores)) for r, o in chosen])


def assert_valid(problem: Problem, allocation: Allocation) -> None:
    """Only arcs of the problem, at most one per request, never more than an offer's places."""
    arcs = list(allocation.arcs)
    requests = [int(problem.arc_request[a]) for a in arcs]
    taken = Counter(int(problem.arc_offer[a]) for a in arcs)
    assert all(0 <= a < len(problem.arc_request) for a in arcs)
    assert len(set(requests)) == len(requests)
    assert all(count <= problem.capacities[o] for o, count in taken.items())
    for request, got in enumerate(allocation.offer_of):
        assert got == -1 or any(
            problem.arc_request[a] == request and problem.arc_offer[a] == got for a in arcs
        )
    assert allocation.weight == sum(int(problem.arc_weight[a]) for a in arcs)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_no_allocation_exceeds_capacity_or_gives_a_request_two_offers_or_an_infeasible_one(
    problem: Problem,
) -> None:
    assert_valid(problem, greedy(problem))
    assert_valid(problem, joint(problem))


@settings(max_examples=300, deadline=None)
@given(problems())
def test_the_joint_total_is_never_below_greedys(problem: Problem) -> None:
    assert joint(problem).weight >= greedy(problem).weight


@st.composite
def alike_problems(draw: st.DrawFn) -> Problem:
    """Up to 30 requests copied from two or three kinds of person, so classes form."""
    capacities = draw(st.lists(st.integers(0, 4), min_size=1, max_size=5))
    offers = range(len(capacities))
    scores = st.floats(0, 1, allow_nan=False)
    kinds = draw(st.lists(st.dictionaries(st.sampled_from(offers), scores), min_size=2, max_size=3))
    queue = draw(st.lists(st.integers(0, len(kinds) - 1), max_size=30))
    arcs = [(r, o, score) for r, kind in enumerate(queue) for o, score in kinds[kind].items()]
    return Problem.of(len(queue), capacities, arcs)


@settings(max_examples=300, deadline=None)
@given(alike_problems())
def test_grouping_alike_requests_finds_the_same_optimum_as_one_node_per_request(
    problem: Problem,
) -> None:
    grouped, plain = joint(problem), joint(problem, group_alike=False)

    assert_valid(problem, grouped)
    assert grouped.weight == plain.weight
    assert grouped.weight >= greedy(problem).weight


# -- the oversubscribed Kreis Unna case ------------------------------------------------------


def test_on_an_oversubscribed_kreis_unna_round_joint_places_more_people_with_more_score() -> None:
    case = kreis_unna_case(TODAY)
    days = [TODAY] * len(case.needs)
    free = sum(o.free_places for o in case.offers)

    first_come = plan_round(case.needs, days, case.offers, case.region, RULES, greedy)
    together = plan_round(case.needs, days, case.offers, case.region, RULES, joint)

    assert (len(case.needs), free) == (20, 17)
    assert together.allocation.weight >= first_come.allocation.weight
    assert together.allocation.placed > first_come.allocation.placed
    assert together.allocation.score > first_come.allocation.score
    assert together.allocation.placed == free  # every place goes to someone it fits


def test_the_answer_leads_with_the_allocated_offer_and_names_offers_filled_in_the_round() -> None:
    scarce = offer(offer_id="vhs-kamen.b1", kommune="Kamen", capacity=1)
    far = offer(offer_id="vhs-werne.b1", kommune="Werne", capacity=1)
    needs = [need(kommune="Kamen"), need(kommune="Kamen"), need(kommune="Kamen")]

    plan = plan_round(needs, [TODAY] * 3, [scarce, far], REGION, RULES, joint)

    assert Counter(plan.chosen) == Counter(["vhs-kamen.b1", "vhs-werne.b1", None])
    left_out = plan.answers[plan.chosen.index(None)]
    assert left_out.proposals == ()
    assert left_out.gap_reasons == (GapReason.NO_FREE_PLACES,)
    assert {(r.offer_id, r.failed) for r in left_out.rejected} == {
        ("vhs-kamen.b1", Filter.PLACES),
        ("vhs-werne.b1", Filter.PLACES),
    }
    for answer, chosen in zip(plan.answers, plan.chosen, strict=True):
        if chosen is not None:
            assert [r.offer.offer_id for r in answer.proposals] == [chosen]
