"""Intake's HTTP API against bare baselines, measured in the same run on the same stack.

- `intake-registrations`: registrations per second through `POST /api/participants` for the
  whole path a registration takes: validation, sealing the personal data, participant row and
  outbox row in one transaction, the relay publishing `kette.participant.registered.v1`, the
  bridge starting the chain, until the chain's `kette.chain.started.v1` is on the chain topic.
  Baseline: a bare FastAPI endpoint that writes the same JSON body as one row into a table of
  the same SQLite database. Both apps are called in-process through httpx's ASGI transport
  (no socket, no uvicorn), `CONCURRENCY` requests at a time, each with an `Idempotency-Key`
  as the screens send one (its claim is the transaction's first write, so concurrent
  registrations queue on SQLite's lock instead of failing on a stale read snapshot).
- `intake-decisions`: p50/p99 from `POST /api/participants/{id}/decisions/<name>` to its
  answer (the Update completed, its event on Kafka) against a bare `execute_update` of the
  same decision from the Python client, on other chains of the same worker. Decisions
  alternate `pause_case` and `resume_case` per chain, sent one after another.

Worker, bridge and intake run in this process on a private task queue and private topics.
`--events N` maps to N/100 registrations per side and N/125 decisions per side.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from temporalio.client import Client, WorkflowHandle

from bench._baselines import bare_rows_per_second
from bench._chain import (
    PARTITIONS,
    Arrival,
    TopicReader,
    bridged_settings,
    chain_worker,
    new_task_queue,
    percentile,
    terminate,
    wait_bound,
)
from bench.kafka_events import kette_settings
from bench.registry import BenchContext, Comparison, Measurement, benchmark
from kette_core.contracts.vocabulary import ActorRole
from kette_core.kafka import build_broker
from kette_intake.app import create_app, new_key
from kette_intake.auth.accounts import create_account
from kette_intake.settings import IntakeSettings
from kette_workflows.api import DECISION_TYPES, DecisionResult, chain_workflow_id
from kette_workflows.settings import WorkflowSettings
from kette_workflows.temporal.bridge import Bridge
from kette_workflows.temporal.bridge_app import attach_bridge
from kette_workflows.temporal.connect import connect_temporal
from tests.integration.intake.intake_support import registration as test_registration

CONCURRENCY = 2
"""Caseworkers submitting at once. At 8 on a loaded 2-core machine SQLite's 5 s busy timeout
ran out (database is locked, a 500): see docs/performance.md."""
REGISTRATIONS_PER_EVENT_ARG = 100
DECISIONS_PER_EVENT_ARG = 125
MAX_DECISION_CHAINS = 10
CHAIN_STARTED = "kette.chain.started.v1"
PASSWORD = "bench password, long enough"
CASEWORKER = "bench-caseworker"
PAUSE, RESUME = "pause_case", "resume_case"
MS = "ms"


def registrations_for(events: int) -> int:
    """Registrations per side for the runner's `--events N`: N/100, at least one."""
    return max(1, events // REGISTRATIONS_PER_EVENT_ARG)


def decisions_for(events: int) -> int:
    """Timed decisions per side for `--events N`: N/125, at least one."""
    return max(1, events // DECISIONS_PER_EVENT_ARG)


def decision_chains_for(samples: int) -> int:
    """Chains per side the decisions rotate over: up to 10, never more than decisions."""
    return min(MAX_DECISION_CHAINS, samples)


def registration(index: int, today: date) -> dict[str, Any]:
    """The tests' complete, eligible person in Kamen; every one another name."""
    personal = {
        "given_name": f"Bench{index}",
        "family_name": f"Person{uuid.uuid4().hex[:8]}",
        "birth_date": date(today.year - 22, 5, 17).isoformat(),
    }
    return test_registration(personal=personal, confirmed_not_duplicate=True)


# --- the stack one repetition runs on ---------------------------------------------------------


@dataclass
class Started:
    """Chains whose `chain_started` event arrived, and when."""

    at: dict[str, float] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def on_arrival(self, arrival: Arrival) -> None:
        if arrival.ce_type == CHAIN_STARTED:
            self.at.setdefault(arrival.key, arrival.seen_at)
            self._changed.set()

    async def all_of(self, participant_ids: list[str]) -> float:
        """Wait (bounded) until every chain started; the moment the last one was seen."""
        deadline = time.monotonic() + wait_bound(len(participant_ids))
        while missing := [pid for pid in participant_ids if pid not in self.at]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(missing)} of {len(participant_ids)} chains never started")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=1.0)
        return max(self.at[pid] for pid in participant_ids)


@dataclass
class IntakeStack:
    """Intake, the chain worker and the bridge, with a caseworker's token."""

    http: httpx.AsyncClient
    headers: dict[str, str]
    client: Client
    database: Path
    started: Started
    handles: list[WorkflowHandle[Any, Any]]

    async def register(self, count: int, advance: Callable[[int], None]) -> list[str]:
        """`count` registrations, CONCURRENCY at a time; their participant ids."""
        today = datetime.now(UTC).date()
        slots = asyncio.Semaphore(CONCURRENCY)

        async def one(index: int) -> str:
            async with slots:
                answer = await self.http.post(
                    "/api/participants",
                    json=registration(index, today),
                    headers={**self.headers, "Idempotency-Key": f"bench-{uuid.uuid4().hex}"},
                )
            if answer.status_code != 201:
                raise RuntimeError(f"registration refused: {answer.status_code} {answer.text}")
            advance(1)
            participant_id: str = answer.json()["participant_id"]
            self.handles.append(self.client.get_workflow_handle(chain_workflow_id(participant_id)))
            return participant_id

        return list(await asyncio.gather(*(one(i) for i in range(count))))


@asynccontextmanager
async def intake_stack(ctx: BenchContext) -> AsyncIterator[IntakeStack]:
    """Everything on private topics and a private task queue; chains terminated afterwards."""
    task_queue = new_task_queue("intake")
    settings = await bridged_settings(ctx, task_queue)
    handles: list[WorkflowHandle[Any, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kette-bench-intake-") as directory:
        database = Path(directory) / "intake.db"
        try:
            async with (
                chain_worker(settings) as client,
                _bridge(settings),
                _intake(ctx, settings, database) as (app, http),
            ):
                started = Started()
                reader = TopicReader(ctx.kafka, settings.chain_topic, started.on_arrival)
                await reader.start()
                try:
                    headers = await _caseworker(app, http)
                    yield IntakeStack(http, headers, client, database, started, handles)
                finally:
                    await reader.stop()
        finally:
            await terminate(handles)


@asynccontextmanager
async def _bridge(settings: WorkflowSettings) -> AsyncIterator[None]:
    """The bridge with its own client and broker, as in its own process."""
    broker = build_broker(settings)
    attach_bridge(broker, Bridge(await connect_temporal(settings), settings.task_queue), settings)
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()


@asynccontextmanager
async def _intake(
    ctx: BenchContext, settings: WorkflowSettings, database: Path
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """Intake through its lifespan, on the bench's broker, Temporal and the given database."""
    intake_settings = IntakeSettings(
        **kette_settings(ctx.kafka).model_dump(exclude={"service", "database_url"}),
        database_url=f"sqlite+aiosqlite:///{database}",
        temporal_address=settings.temporal_address,
        participants_topic=settings.participants_topic,
        access_topic=await ctx.new_topic("access", PARTITIONS),
        key_encryption_key=new_key(),
        blind_index_key=new_key(),
        token_secret=new_key(),
    )
    app = create_app(intake_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://intake", timeout=60.0
        ) as http:
            yield app, http


async def _caseworker(app: FastAPI, http: httpx.AsyncClient) -> dict[str, str]:
    async with app.state.intake.sessions() as session, session.begin():
        await create_account(session, CASEWORKER, PASSWORD, ActorRole.CASEWORKER, ["Kamen"])
    answer = await http.post("/api/token", json={"username": CASEWORKER, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _in_order(
    ctx: BenchContext, ours: Callable[[], Awaitable[Any]], raw: Callable[[], Awaitable[Any]]
) -> tuple[Any, Any]:
    """Both sides; odd rounds run the baseline first."""
    if ctx.round % 2:
        second = await raw()
        return await ours(), second
    first = await ours()
    return first, await raw()


# --- registrations ----------------------------------------------------------------------------


@benchmark(
    "intake-registrations",
    "registrations/s through intake's API (row, outbox, event, chain start) vs a bare "
    "FastAPI endpoint writing one row",
    needs=("kafka", "temporal"),
)
async def registrations(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition of both sides on one stack."""
    count = registrations_for(events)
    async with intake_stack(ctx) as stack:
        await stack.started.all_of(await stack.register(1, lambda _: None))  # warm-up
        ours, raw = await _in_order(
            ctx,
            lambda: _registrations_ours(ctx, stack, count),
            lambda: _registrations_raw(ctx, stack.database, count),
        )
    answered, started = ours
    return [
        Comparison(
            "registrations answered",
            "registrations/s",
            Measurement("intake API → row + outbox (HTTP answered)", count, answered),
            Measurement("bare FastAPI endpoint → one row", count, raw),
        ),
        Comparison(
            "registrations to chain start",
            "registrations/s",
            Measurement("intake API → row + outbox → event → chain started", count, started),
            Measurement("bare FastAPI endpoint → one row", count, raw),
        ),
    ]


async def _registrations_ours(
    ctx: BenchContext, stack: IntakeStack, count: int
) -> tuple[float, float]:
    """Rates until the last HTTP answer and until the last chain started."""
    began = time.perf_counter()
    participant_ids = await stack.register(count, ctx.step("registrations · ours", count))
    answered = time.perf_counter()
    last = await stack.started.all_of(participant_ids)
    return count / (answered - began), count / (last - began)


async def _registrations_raw(ctx: BenchContext, database: Path, count: int) -> float:
    today = datetime.now(UTC).date()
    bodies = [registration(index, today) for index in range(count)]
    return await bare_rows_per_second(ctx, database, bodies, "registrations · raw", CONCURRENCY)


# --- decisions --------------------------------------------------------------------------------


@benchmark(
    "intake-decisions",
    "decision latency: intake's HTTP API → completed Update vs a bare Update from the client",
    needs=("kafka", "temporal"),
)
async def decisions(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition of both sides on one stack, each side on chains of its own."""
    samples = decisions_for(events)
    chains = decision_chains_for(samples)
    async with intake_stack(ctx) as stack:
        participant_ids = await stack.register(
            2 * chains, ctx.step("decisions · chains", 2 * chains)
        )
        await stack.started.all_of(participant_ids)
        ours_ids, raw_ids = participant_ids[:chains], participant_ids[chains:]
        ours, raw = await _in_order(
            ctx,
            lambda: _timed(ctx, "decisions · ours", ours_ids, samples, _through_intake(stack)),
            lambda: _timed(ctx, "decisions · raw", raw_ids, samples, _bare_update(stack.client)),
        )
    return [
        Comparison(
            name,
            MS,
            Measurement("HTTP → intake → Update completed", len(ours), percentile(ours, q)),
            Measurement("bare execute_update from the client", len(raw), percentile(raw, q)),
            higher_is_better=False,
        )
        for name, q in (("decision p50", 0.50), ("decision p99", 0.99))
    ]


Decide = Callable[[str, str], Awaitable[None]]


def _through_intake(stack: IntakeStack) -> Decide:
    async def decide(participant_id: str, name: str) -> None:
        body = {"reason": "other"} if name == PAUSE else {}
        path = f"/api/participants/{participant_id}/decisions/{name}"
        answer = await stack.http.post(path, json=body, headers=stack.headers)
        if answer.status_code != 200:
            raise RuntimeError(f"{name} refused: {answer.status_code} {answer.text}")

    return decide


def _bare_update(client: Client) -> Decide:
    async def decide(participant_id: str, name: str) -> None:
        fields = {"reason": "other"} if name == PAUSE else {}
        decision = DECISION_TYPES[name](caseworker_id="cw-bench01", **fields)
        handle = client.get_workflow_handle(chain_workflow_id(participant_id))
        await handle.execute_update(name, decision, result_type=DecisionResult)

    return decide


async def _timed(
    ctx: BenchContext, label: str, participant_ids: list[str], samples: int, decide: Decide
) -> list[float]:
    """One untimed pause per chain, then `samples` alternating decisions, one at a time (ms)."""
    paused = {pid: False for pid in participant_ids}

    async def next_on(participant_id: str) -> None:
        await decide(participant_id, RESUME if paused[participant_id] else PAUSE)
        paused[participant_id] = not paused[participant_id]

    for participant_id in participant_ids:  # warm-up
        await next_on(participant_id)
    advance = ctx.step(label, samples)
    latencies = []
    for index in range(samples):
        began = time.perf_counter()
        await next_on(participant_ids[index % len(participant_ids)])
        latencies.append((time.perf_counter() - began) * 1000)
        advance(1)
    return latencies
