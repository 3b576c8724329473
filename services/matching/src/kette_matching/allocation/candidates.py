"""From ranked requests to an allocation problem: an arc for each offer that passed the filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kette_matching.allocation.problem import Allocation, Problem
from kette_matching.catalogue.models import Offer
from kette_matching.matching.match import MatchResult


def problem_of(ranked: Sequence[MatchResult], offers: Sequence[Offer]) -> Problem:
    """Requests in queue order; each offer's capacity is its free places."""
    index = {offer.offer_id: i for i, offer in enumerate(offers)}
    arcs = [
        (request, index[r.offer.offer_id], r.score)
        for request, result in enumerate(ranked)
        for r in result.proposals
    ]
    return Problem.of(len(ranked), [offer.free_places for offer in offers], arcs)


def offer_ids(allocation: Allocation, offers: Sequence[Offer]) -> list[str | None]:
    """Per request the id of the offer it got, or None."""
    return [None if i < 0 else offers[i].offer_id for i in allocation.offer_of]


def free_after(allocation: Allocation, offers: Sequence[Offer]) -> Mapping[str, int]:
    """Places left per offer once the round's allocation took its share."""
    left = {offer.offer_id: offer.free_places for offer in offers}
    for i in allocation.offer_of:
        if i >= 0:
            left[offers[i].offer_id] -= 1
    return left
