"""Joint allocation: the assignment of greatest total worth, as a min-cost flow (OR-Tools).

source → each request (1 unit, cost 0) → each feasible offer (1 unit, cost −weight) → sink
(the offer's free places, cost 0); and source → sink (cost 0) for requests left without a
place. Every unit of flow leaves the source, so the cheapest flow is the most valuable
assignment; one early request cannot take the only place that suits a later one far better.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow  # type: ignore[import-untyped]

from kette_matching.allocation.problem import Allocation, Ints, Problem


class SolverFailed(RuntimeError):
    """The flow solver did not find the optimum (it always should: the graph is feasible)."""


def joint(problem: Problem) -> Allocation:
    """Maximise the summed weight; greedy's assignment is one feasible flow, so never worse."""
    usable = np.flatnonzero(problem.capacities[problem.arc_offer] > 0)
    n, m = problem.requests, problem.offers
    source, sink = 0, n + m + 1
    arcs = len(usable)
    tails = np.concatenate(
        [np.zeros(n, np.int64), problem.arc_request[usable] + 1, np.arange(m) + n + 1, [source]]
    )
    heads = np.concatenate(
        [np.arange(n) + 1, problem.arc_offer[usable] + n + 1, np.full(m, sink), [sink]]
    )
    capacities = np.concatenate(
        [np.ones(n + arcs, np.int64), problem.capacities, np.asarray([n], np.int64)]
    )
    costs = np.concatenate(
        [np.zeros(n, np.int64), -problem.arc_weight[usable], np.zeros(m + 1, np.int64)]
    )
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_nodes_supplies(np.asarray([source, sink]), np.asarray([n, -n]))
    status = flow.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise SolverFailed(f"min-cost flow ended with status {status}")
    used: Ints = flow.flows(np.arange(n, n + arcs))
    return Allocation.from_arcs(problem, usable[used > 0])
