"""Joint allocation: the assignment of greatest total worth, as a min-cost flow (OR-Tools).

source → each request (1 unit, cost 0) → each feasible offer (1 unit, cost −weight) → sink
(the offer's free places, cost 0); and source → sink (cost 0) for requests left without a
place. Every unit of flow leaves the source, so the cheapest flow is the most valuable
assignment; one early request cannot take the only place that suits a later one far better.

Requests with the very same arcs (same town, level, constraints, kind) are interchangeable,
so they share one node whose supply is their number: the same optimum on a graph a fraction
of the size. Within such a class, earlier requests get the better places.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow  # type: ignore[import-untyped]

from kette_matching.allocation.problem import Allocation, Ints, Problem

npt_u64 = npt.NDArray[np.uint64]

_MIX = np.uint64(0x9E3779B97F4A7C15)


class SolverFailed(RuntimeError):
    """The flow solver did not find the optimum (it always should: the graph is feasible)."""


def joint(problem: Problem, group_alike: bool = True) -> Allocation:
    """Maximise the summed weight; greedy's assignment is one feasible flow, so never worse."""
    usable = np.flatnonzero(problem.capacities[problem.arc_offer] > 0)
    keys = problem.arc_request[usable] * problem.offers + problem.arc_offer[usable]
    if not bool((keys[1:] >= keys[:-1]).all()):
        by_key = np.argsort(keys)
        usable, keys = usable[by_key], keys[by_key]
    classes = _classes(problem, usable) if group_alike else None
    if classes is not None:
        chosen = _solve_classes(problem, usable, keys, *classes)
        if chosen is not None:
            return Allocation.from_arcs(problem, chosen)
    return Allocation.from_arcs(problem, _solve(problem, usable))


def _solve(problem: Problem, arcs: Ints) -> Ints:
    """One node per request: the plain graph."""
    supply = np.ones(problem.requests, np.int64)
    flows = _flow(problem, supply, problem.arc_request[arcs], arcs, np.ones(len(arcs), np.int64))
    return arcs[flows > 0]


def _flow(problem: Problem, supply: Ints, tails: Ints, arcs: Ints, arc_capacity: Ints) -> Ints:
    """Solve source → nodes (supply) → offers → sink; the flow on each given arc."""
    n, m = len(supply), problem.offers
    source, sink, total = 0, n + m + 1, int(supply.sum())
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.zeros(n, np.int64), tails + 1, np.arange(m) + n + 1, [source]]),
        np.concatenate(
            [np.arange(n) + 1, problem.arc_offer[arcs] + n + 1, np.full(m, sink), [sink]]
        ),
        np.concatenate([supply, arc_capacity, problem.capacities, np.asarray([total], np.int64)]),
        np.concatenate(
            [np.zeros(n, np.int64), -problem.arc_weight[arcs], np.zeros(m + 1, np.int64)]
        ),
    )
    flow.set_nodes_supplies(np.asarray([source, sink]), np.asarray([total, -total]))
    status = flow.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise SolverFailed(f"min-cost flow ended with status {status}")
    flows: Ints = flow.flows(np.arange(n, n + len(arcs)))
    return flows


def _classes(problem: Problem, order: Ints) -> tuple[Ints, Ints, Ints] | None:
    """Requests grouped by their arcs (a 64-bit fingerprint, a sum and the count); None if no gain.

    Returns each request's class, each class's first request, and each class's size.
    """
    requests = problem.arc_request[order]
    if len(order) == 0:
        return None
    starts = np.flatnonzero(np.r_[True, requests[1:] != requests[:-1]])
    keys = ((problem.arc_offer[order] << 32) + problem.arc_weight[order]).view(np.uint64)
    with np.errstate(over="ignore"):
        prints = [np.add.reduceat(_scramble(keys * _MIX), starts), np.add.reduceat(keys, starts)]
    counts = np.diff(np.r_[starts, len(order)])
    with_arcs = requests[starts]
    signature = np.stack([*(p.view(np.int64) for p in prints), counts], axis=1)
    _, first, class_of_with, sizes = np.unique(
        signature, axis=0, return_index=True, return_inverse=True, return_counts=True
    )
    if len(sizes) * 2 > len(with_arcs):
        return None
    class_of = np.full(problem.requests, -1, np.int64)
    class_of[with_arcs] = class_of_with.reshape(-1)
    return class_of, with_arcs[first], sizes.astype(np.int64)


def _scramble(values: npt_u64) -> npt_u64:
    """splitmix64's finaliser: nearby keys get unrelated fingerprints."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))


def _solve_classes(
    problem: Problem, order: Ints, keys: Ints, class_of: Ints, leaders: Ints, sizes: Ints
) -> Ints | None:
    """Solve on class nodes, then hand each class's places to its members in arrival order.

    None if a member lacks an arc its class was given (a fingerprint collision): solve plainly.
    """
    leader_class = np.full(problem.requests, -1, np.int64)
    leader_class[leaders] = np.arange(len(leaders))
    arcs = order[leader_class[problem.arc_request[order]] >= 0]
    tails = leader_class[problem.arc_request[arcs]]
    flows = _flow(problem, sizes, tails, arcs, sizes[tails])
    members = np.argsort(class_of, kind="stable")
    bounds = np.searchsorted(class_of[members], np.arange(len(leaders) + 1))
    taken = np.zeros(len(leaders), np.int64)
    pairs_r: list[int] = []
    pairs_o: list[int] = []
    best_first = np.lexsort((-problem.arc_weight[arcs], tails))
    for arc in best_first[flows[best_first] > 0].tolist():
        cls, units = int(tails[arc]), int(flows[arc])
        start = bounds[cls] + taken[cls]
        pairs_r.extend(members[start : start + units].tolist())
        pairs_o.extend([int(problem.arc_offer[arcs[arc]])] * units)
        taken[cls] += units
    wanted = np.asarray(pairs_r, np.int64) * problem.offers + np.asarray(pairs_o, np.int64)
    return _arcs_of(order, keys, wanted)


def _arcs_of(order: Ints, keys: Ints, wanted: Ints) -> Ints | None:
    """The arc of each wanted key (request × offers + offer), `keys` being `order`'s, sorted;
    None if one of them is not an arc."""
    if len(wanted) == 0:
        return np.zeros(0, np.int64)
    found = np.searchsorted(keys, wanted)
    if found.max() >= len(keys) or not np.array_equal(keys[found], wanted):
        return None
    return order[found]
