"""An allocation problem: requests in arrival order, offers with free places, feasible arcs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SCALE = 1_000_000
"""Scores in [0, 1] become integers, as the flow solver wants integer costs."""

Ints = npt.NDArray[np.int64]


def weight_of(score: float) -> int:
    """A placement's worth: its scaled score plus one, so even a zero score beats no place."""
    return round(score * SCALE) + 1


@dataclass(frozen=True)
class Problem:
    """Arc i says request `arc_request[i]` may take offer `arc_offer[i]`, worth `arc_weight[i]`.

    Only arcs that passed the hard filters exist; a request's index is its place in the
    queue (0 came first), which is what greedy serves by.
    """

    requests: int
    capacities: Ints
    arc_request: Ints
    arc_offer: Ints
    arc_weight: Ints

    @classmethod
    def of(
        cls, requests: int, capacities: Sequence[int], arcs: Iterable[tuple[int, int, float]]
    ) -> Problem:
        """From plain values: (request, offer, score) per feasible arc."""
        listed = list(arcs)
        problem = cls(
            requests=requests,
            capacities=np.asarray(capacities, dtype=np.int64).reshape(-1),
            arc_request=np.asarray([a[0] for a in listed], dtype=np.int64),
            arc_offer=np.asarray([a[1] for a in listed], dtype=np.int64),
            arc_weight=np.asarray([weight_of(a[2]) for a in listed], dtype=np.int64),
        )
        problem.check()
        return problem

    @property
    def offers(self) -> int:
        return len(self.capacities)

    def check(self) -> None:
        """Refuse arcs to unknown requests or offers, negative capacities, weights below one."""
        if self.requests < 0 or (self.capacities < 0).any():
            raise ValueError("requests and capacities must not be negative")
        if not len(self.arc_request) == len(self.arc_offer) == len(self.arc_weight):
            raise ValueError("arc arrays differ in length")
        if len(self.arc_request) and (
            self.arc_request.min() < 0
            or self.arc_request.max() >= self.requests
            or self.arc_offer.min() < 0
            or self.arc_offer.max() >= self.offers
            or self.arc_weight.min() < 1
        ):
            raise ValueError("an arc names an unknown request or offer, or weighs below one")


@dataclass(frozen=True)
class Allocation:
    """Per request the offer it got (-1: none), the arcs taken, and what that is worth."""

    offer_of: tuple[int, ...]
    arcs: tuple[int, ...]
    """Indices of the arcs taken, so a check can see each came from the problem."""
    weight: int
    """Sum of the chosen arcs' integer weights: what the joint allocation maximises."""
    score: float
    """Sum of the chosen arcs' scores: the figure people read."""

    @property
    def placed(self) -> int:
        return sum(1 for offer in self.offer_of if offer >= 0)

    @classmethod
    def from_arcs(cls, problem: Problem, chosen: Ints) -> Allocation:
        """The allocation that takes the arcs at the indices `chosen`."""
        offer_of = np.full(problem.requests, -1, dtype=np.int64)
        offer_of[problem.arc_request[chosen]] = problem.arc_offer[chosen]
        weights = problem.arc_weight[chosen]
        score = float(((weights - 1) / SCALE).sum())
        return cls(tuple(offer_of.tolist()), tuple(chosen.tolist()), int(weights.sum()), score)
