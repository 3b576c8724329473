"""First come, first served: each request in turn takes its best offer with a place left."""

from __future__ import annotations

import numpy as np

from kette_matching.allocation.problem import Allocation, Problem


def greedy(problem: Problem) -> Allocation:
    """The baseline the joint allocation is measured against; ties go to the lower offer index."""
    order = np.lexsort((problem.arc_offer, -problem.arc_weight, problem.arc_request))
    requests = problem.arc_request[order].tolist()
    offers = problem.arc_offer[order].tolist()
    free = problem.capacities.tolist()
    served = [False] * problem.requests
    chosen: list[int] = []
    for position, (request, offer) in enumerate(zip(requests, offers, strict=True)):
        if not served[request] and free[offer] > 0:
            free[offer] -= 1
            served[request] = True
            chosen.append(int(order[position]))
    return Allocation.from_arcs(problem, np.asarray(chosen, dtype=np.int64))
