"""A round without the database: rank every need against its module's offers, then allocate."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kette_matching.allocation.candidates import free_after, offer_ids, problem_of
from kette_matching.allocation.problem import Allocation, Problem
from kette_matching.catalogue.models import Offer
from kette_matching.catalogue.region import Region
from kette_matching.matching.match import MatchResult, after_round, rank
from kette_matching.matching.need import Need
from kette_matching.matching.weights import MatchingRules

Allocator = Callable[[Problem], Allocation]


@dataclass(frozen=True)
class Plan:
    """Each need's ranking, the allocation, and what each need is answered."""

    ranked: list[MatchResult]
    allocation: Allocation
    chosen: list[str | None]
    free_after: Mapping[str, int]
    answers: list[MatchResult]


def plan_round(
    needs: Sequence[Need],
    days: Sequence[date],
    offers: Sequence[Offer],
    region: Region,
    rules: MatchingRules,
    allocate: Allocator,
) -> Plan:
    """Pure: needs in queue order, each matched on its own day; offers with their free places."""
    kinds: dict[tuple[str, str], list[Offer]] = {}
    for offer in offers:
        kinds.setdefault((offer.module.value, offer.stage.value), []).append(offer)
    ranked = [
        rank(need, kinds.get((need.module.value, need.stage.value), []), region, rules, day)
        for need, day in zip(needs, days, strict=True)
    ]
    allocation = allocate(problem_of(ranked, offers))
    chosen, left = offer_ids(allocation, offers), free_after(allocation, offers)
    answers = [
        after_round(result, offer_id, left, rules)
        for result, offer_id in zip(ranked, chosen, strict=True)
    ]
    return Plan(ranked, allocation, chosen, left, answers)
