"""Matching: joint allocation against greedy, and its consumer against bare consumption.

- matching-allocation: one synthetic Kreis Unna of N open requests (10,000 by default) over
  N/5 offers (2,000) in six kinds of module and stage, in the ten towns with their real road
  distances; an arc wherever the hard filters would let a person in (same kind, within
  `max_travel_km`, German level at least the entry level, childcare on site or part time
  when needed), scored by `MatchingRules`' weighted mean of travel, start, level and
  childcare. ours = `allocation.joint` (OR-Tools min-cost flow), raw = `allocation.greedy`
  (first come, first served), on the very same problem: seconds, total score, people placed.
- matching-consumer: N referral requests (2,000 by default) on a fresh topic; ours = the
  matching service as built by its composition root (FastStream consumer, inbox, a round per
  batch, answers and outbox on SQLite, seeded Kreis Unna catalogue) as its own process,
  warmed up on its own topic, then timed from publishing the rest to its last answer; raw =
  `AIOKafkaConsumer.getmany` + `json.loads` of the same records. Answers per second against
  records per second.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.kafka_events import (
    PARTITIONS,
    consume_bare,
    in_order,
    produce,
    warmup_count,
)
from bench.registry import Advance, BenchContext, Comparison, Measurement, benchmark
from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.vocabulary import Constraints
from kette_core.ids import new_participant_id
from kette_devstack.ports import free_port
from kette_matching.allocation.greedy import greedy
from kette_matching.allocation.joint import joint
from kette_matching.allocation.problem import SCALE, Allocation, Problem
from kette_matching.catalogue.seed import kreis_unna_region
from kette_matching.matching.weights import MatchingRules

SOURCE = "/kette/bench"
KINDS = 6
LEVELS = 5  # none, A1, A2, B1, B2 as ranks 0..4
ANSWERS_PER_S = "answers/s"
ROLES = ("PARTICIPANTS", "MATCHING", "DEADLETTER")
"""Topics the service reads or writes besides the requests', each a fresh one per run."""


# --- allocation ------------------------------------------------------------------------------


@benchmark(
    "matching-allocation",
    "joint allocation (OR-Tools min-cost flow) vs greedy: N requests over N/5 offers",
    needs=(),
    events=10_000,
)
async def allocation(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition: a fresh synthetic problem (seeded by the round), both allocators on it."""
    problem = synthetic_problem(events, max(1, events // 5), seed=ctx.round)
    advance = ctx.step("matching-allocation · joint and greedy", 2)
    if ctx.round % 2 == 0:  # who goes first alternates, so neither gains from order
        ours, joint_seconds = _timed(joint, problem, advance)
        raw, greedy_seconds = _timed(greedy, problem, advance)
    else:
        raw, greedy_seconds = _timed(greedy, problem, advance)
        ours, joint_seconds = _timed(joint, problem, advance)
    return allocation_comparisons(events, ours, joint_seconds, raw, greedy_seconds)


def allocation_comparisons(
    requests: int, ours: Allocation, ours_s: float, raw: Allocation, raw_s: float
) -> list[Comparison]:
    """Seconds (lower is better), total score and people placed (higher is better)."""
    joint_label, greedy_label = "allocation.joint (min-cost flow)", "allocation.greedy"
    return [
        Comparison(
            "seconds",
            "s",
            Measurement(joint_label, requests, ours_s),
            Measurement(greedy_label, requests, raw_s),
            higher_is_better=False,
        ),
        Comparison(
            "total score",
            "score",
            Measurement(joint_label, requests, ours.score),
            Measurement(greedy_label, requests, raw.score),
        ),
        Comparison(
            "people placed",
            "people",
            Measurement(joint_label, requests, ours.placed),
            Measurement(greedy_label, requests, raw.placed),
        ),
    ]


def _timed(
    allocate: Callable[[Problem], Allocation], problem: Problem, advance: Advance
) -> tuple[Allocation, float]:
    began = time.perf_counter()
    result = allocate(problem)
    seconds = time.perf_counter() - began
    advance(1)
    return result, seconds


def synthetic_problem(requests: int, offers: int, seed: int = 0) -> Problem:
    """Requests and offers drawn over the Kreis's towns; arcs where the hard filters pass."""
    rng = np.random.default_rng(seed)
    rules = MatchingRules()
    region = kreis_unna_region()
    towns = region.kommunen
    km = np.asarray([[region.distance_km(a, b) or 0 for b in towns] for a in towns], np.float64)
    o_kind, o_town = rng.integers(0, KINDS, offers), rng.integers(0, len(towns), offers)
    o_capacity = rng.integers(1, 9, offers)
    o_required = rng.choice(LEVELS - 1, offers, p=[0.5, 0.1, 0.3, 0.1])
    o_reached = np.minimum(o_required + rng.integers(1, 3, offers), LEVELS - 1)
    o_childcare, o_part_time = rng.random(offers) < 0.15, rng.random(offers) < 0.4
    o_days = rng.integers(0, rules.max_wait_days, offers)
    r_kind, r_town = rng.integers(0, KINDS, requests), rng.integers(0, len(towns), requests)
    r_level = rng.choice(LEVELS - 1, requests, p=[0.15, 0.3, 0.4, 0.15])
    r_target = np.minimum(r_level + 1, LEVELS - 1)
    r_child = rng.random(requests) < 0.25
    arcs_r, arcs_o, weights = [], [], []
    for kind in range(KINDS):
        rs, os_ = np.flatnonzero(r_kind == kind), np.flatnonzero(o_kind == kind)
        r, o = (a.ravel() for a in np.meshgrid(rs, os_, indexing="ij"))
        dist = km[r_town[r], o_town[o]]
        childcare_fits = ~r_child[r] | o_childcare[o] | o_part_time[o]
        ok = (dist <= rules.max_travel_km) & (r_level[r] >= o_required[o]) & childcare_fits
        r, o, dist = r[ok], o[ok], dist[ok]
        gap = o_reached[o] - r_target[r]
        level = np.where(gap == 0, 1.0, np.where(gap > 0, 0.8, np.clip(1 + 0.4 * gap, 0, 1)))
        childcare = np.where(~r_child[r] | o_childcare[o], 1.0, 0.5)
        travel = np.clip(1 - dist / rules.max_travel_km, 0, 1)
        start = np.clip(1 - o_days[o] / rules.max_wait_days, 0, 1)
        score = (
            rules.travel_weight * travel
            + rules.start_weight * start
            + rules.level_weight * level
            + rules.childcare_weight * childcare
        ) / rules.total_weight()
        arcs_r.append(r)
        arcs_o.append(o)
        weights.append(np.rint(score * SCALE).astype(np.int64) + 1)
    problem = Problem(
        requests=requests,
        capacities=o_capacity.astype(np.int64),
        arc_request=np.concatenate(arcs_r).astype(np.int64),
        arc_offer=np.concatenate(arcs_o).astype(np.int64),
        arc_weight=np.concatenate(weights),
    )
    problem.check()
    return problem


# --- consumer --------------------------------------------------------------------------------


@benchmark(
    "matching-consumer",
    "matching's consumer (inbox, rounds, answers, outbox) vs bare getmany of the same records",
    events=2_000,
)
async def consumer(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition: each side warms up on its own topic, then the timed requests arrive."""
    warmup = warmup_count(events)
    requests = referral_requests(warmup + events)
    ours, raw = await in_order(
        ctx.round,
        lambda: consume_ours(ctx, requests, warmup),
        lambda: consume_live_raw(ctx, requests, warmup),
    )
    return [Comparison("throughput", ANSWERS_PER_S, ours, raw)]


def referral_requests(count: int, seed: int = 0) -> list[ReferralRequested]:
    """Requests as the chain sends them: all ten towns, mostly F4 language, some with a child."""
    rng = random.Random(seed)
    towns = kreis_unna_region().kommunen
    kinds = [("language", "F4"), ("language", "F6"), ("school", "F3"), ("job", "F1")]
    requests = []
    for i in range(count):
        stage, module = rng.choices(kinds, [6, 1, 2, 1])[0]
        level = rng.choice(["A1", "A2", "B1"])
        requests.append(
            ReferralRequested.model_validate(
                {
                    "participant_id": new_participant_id(),
                    "request_id": f"bench-{i}",
                    "stage": stage,
                    "module": module,
                    "target_language_level": "B2" if level == "B1" else "B1",
                    "current_language_level": level,
                    "kommune": rng.choice(towns),
                    "constraints": Constraints(
                        childcare_needed=rng.random() < 0.3, employment_ban=False
                    ),
                    "earliest_start": datetime.now(UTC).date(),
                }
            )
        )
    return requests


async def fill_requests(
    ctx: BenchContext,
    topic: str,
    requests: Sequence[ReferralRequested],
    advance: Advance | None = None,
) -> None:
    """Our encoded records (headers, key) with a bare producer; its own bar unless given one."""
    advance = advance or ctx.step("matching-consumer · fill topic", len(requests))
    await produce(ctx.kafka, topic, requests, advance, chunk=500)


async def consume_ours(
    ctx: BenchContext, requests: Sequence[ReferralRequested], warmup: int
) -> Measurement:
    """`python -m kette_matching` on a fresh SQLite file, seeded; counts the answers it stored.

    A process of its own, as deployed (so its tables never meet other services' in one
    SQLModel metadata). The warm-up requests wait on the topic; once they are answered the
    clock starts and the timed ones are published; it stops at the last answer.
    """
    topics = {"CHAIN": await ctx.new_topic("matching-requests", PARTITIONS)}
    for role in ROLES:
        topics[role] = await ctx.new_topic(f"matching-{role.lower()}", PARTITIONS)
    await fill_requests(ctx, topics["CHAIN"], requests[:warmup])
    advance = ctx.step("matching-consumer · ours", len(requests))
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "matching.db"
        env = dict(os.environ)
        env.update(service_env(ctx, topics, database))
        log_file = Path(directory) / "matching.log"
        with log_file.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "kette_matching", env=env, stdout=log, stderr=log
            )
        try:
            answered = _Answers(database, process, advance)
            await answered.reach(warmup)
            began = time.perf_counter()
            publishing = asyncio.create_task(
                fill_requests(ctx, topics["CHAIN"], requests[warmup:], _quiet)
            )
            await answered.reach(len(requests))
            ended = time.perf_counter()
            await publishing
        except RuntimeError as error:
            tail = log_file.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{error}; its log ends:\n{tail}") from None
        finally:
            await _stop(process)
    count = len(requests) - warmup
    label = "python -m kette_matching, a round per batch"
    return Measurement(label, count, count / (ended - began))


async def consume_live_raw(
    ctx: BenchContext, requests: Sequence[ReferralRequested], warmup: int
) -> Measurement:
    """Bare group consumer, getmany and json.loads; warmed up and clocked like ours."""
    topic = await ctx.new_topic("matching-raw", PARTITIONS)
    await fill_requests(ctx, topic, requests[:warmup])
    advance = ctx.step("matching-consumer · raw", len(requests))
    read, began = 0, 0.0
    publishing: asyncio.Task[None] | None = None

    def handled(count: int) -> None:
        nonlocal read, began, publishing
        read += count
        advance(count)
        if publishing is None and read >= warmup:
            began = time.perf_counter()
            publishing = asyncio.create_task(fill_requests(ctx, topic, requests[warmup:], _quiet))

    def done() -> bool:
        return read >= len(requests)

    await consume_bare(ctx.kafka, topic, handled, done, 60 + len(requests) / 50)
    ended = time.perf_counter()
    if publishing is not None:
        await publishing
    count = len(requests) - warmup
    return Measurement("AIOKafkaConsumer.getmany", count, count / (ended - began))


def _quiet(_n: int) -> None:
    """No bar of its own: the timed publishing runs under the consumer's bar."""


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, then kill after 15 s."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout=15)
    except TimeoutError:
        process.kill()
        await process.wait()


def service_env(ctx: BenchContext, topics: dict[str, str], database: Path) -> dict[str, str]:
    """The KETTE_* variables pointing a matching process at the bench's broker and topics."""
    env = {
        "KETTE_KAFKA_BOOTSTRAP": ctx.kafka.bootstrap,
        "KETTE_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "KETTE_HTTP_PORT": str(free_port()),
        **{f"KETTE_{role}_TOPIC": name for role, name in topics.items()},
        "KETTE_GROUP_ID": f"bench-matching-{uuid.uuid4().hex[:10]}",
        "KETTE_SEED_CATALOGUE": "true",
        "KETTE_LOG_LEVEL": "WARNING",
    }
    if ctx.kafka.username is not None:
        env.update(
            KETTE_KAFKA_SASL_MECHANISM="SCRAM-SHA-512",
            KETTE_KAFKA_SASL_USERNAME=ctx.kafka.username,
            KETTE_KAFKA_SASL_PASSWORD=ctx.kafka.password or "",
        )
    return env


class _Answers:
    """The answers the service committed, read from its database file."""

    def __init__(
        self, database: Path, process: asyncio.subprocess.Process, advance: Advance
    ) -> None:
        self._database = database
        self._process = process
        self._advance = advance
        self.count = 0

    async def reach(self, target: int) -> None:
        """Poll every 10 ms until `target` answers are stored."""
        deadline = time.perf_counter() + 60 + target / 50
        while self.count < target:
            if self._process.returncode is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"matching answered {self.count} of {target} requests")
            answered = await asyncio.to_thread(_answered, self._database)
            self._advance(answered - self.count)
            self.count = answered
            if self.count < target:
                await asyncio.sleep(0.01)


def _answered(database: Path) -> int:
    """Answers the service committed so far (0 before it created its tables)."""
    if not database.exists():
        return 0
    try:
        with closing(sqlite3.connect(database, timeout=5)) as connection:
            return int(connection.execute("SELECT count(*) FROM match_answer").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0
