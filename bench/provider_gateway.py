"""The provider gateway against bare baselines, measured in the same run on the same broker.

The gateway runs in this process as its composition root builds it (`build`, `start`: chain
consumer, reports consumers, outbox relay; SQLite file), on private chain, provider-status
and dead-letter topics, with one provider whose two topics the benchmark creates (as
`kette-stack provider add` would) and registers through `onboard`.

- `gateway-latency`: p50/p99 from the broker's acknowledgement of a confirmed referral
  (`kette.chain.referral_confirmed.v1`) on the chain topic to the moment a reader (no group,
  positioned at the end) hands out its `kette.referral.issued.v1` on
  `provider.<id>.referrals.v1`: FastStream consumer, inbox, referral row and outbox row in one
  transaction, relay. Baseline: `bare_hop`, an aiokafka consumer that sends each record
  unchanged to a second topic. Each referral is a participant of its own, sent at a steady
  `RATE`; the referral requests they need go first, untimed, and are taken in (inbox, or the
  far topic for the bare hop) before the clock starts; `WARMUP` referrals are not timed.
- `gateway-reports`: accepted reports per second through `POST /api/reports` (API key,
  validation, the referral's state, report row + outbox row + new state in one transaction),
  until the last answer and until the last `kette.referral.accepted.v1` is on the
  provider-status topic. Baseline: a bare FastAPI endpoint writing the same JSON body as one
  row into the same SQLite file. Both in-process through httpx's ASGI transport,
  `CONCURRENCY` at a time; the referrals are issued through the chain topic beforehand.

`--events N` maps to N/125 timed referrals and N/100 reports per side.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from sqlmodel import func, select

from bench._baselines import Arrivals, bare_hop, bare_rows_per_second, paced
from bench._chain import PARTITIONS, Arrival, TopicReader, percentile
from bench.kafka_events import PRODUCER_SETTINGS, in_order, kette_settings
from bench.registry import BenchContext, Comparison, Measurement, benchmark
from kette_core.contracts import topics
from kette_core.contracts.chain import ReferralConfirmed, ReferralRequested
from kette_core.contracts.referrals import ReferralAccepted, ReferralIssued
from kette_core.envelope import KafkaRecord, encode, new_event
from kette_core.ids import new_participant_id
from kette_core.tables import InboxRecord
from kette_devstack import kafka_admin
from kette_devstack.kafka_admin import TopicSpec
from kette_provider_gateway.app import Gateway, build, create_app, start, stop
from kette_provider_gateway.providers.service import onboard
from kette_provider_gateway.settings import GatewaySettings
from tests.component.gateway.gateway_component_support import confirmed_referral, requested

RATE = 20.0
"""Referrals per second: far below either side's throughput, so this measures latency."""
WARMUP = 2 * PARTITIONS
"""Untimed referrals first, so every partition's consumer has joined and handled one."""
CONCURRENCY = 2
"""Reports in flight at once, as in intake's registrations benchmark (SQLite's one writer)."""
REFERRALS_PER_EVENT_ARG = 125
REPORTS_PER_EVENT_ARG = 100
CHAIN_SOURCE = "/kette/workflows"
MS = "ms"
REPORTS_PER_S = "reports/s"

Key = tuple[str | None, str]
"""(ce_type, participant id): which record arrived, for whom."""


def referrals_for(events: int) -> int:
    """Timed referrals per side for the runner's `--events N`: N/125, at least one."""
    return max(1, events // REFERRALS_PER_EVENT_ARG)


def reports_for(events: int) -> int:
    """Reports per side for `--events N`: N/100, at least one."""
    return max(1, events // REPORTS_PER_EVENT_ARG)


def _key(arrival: Arrival) -> Key:
    return (arrival.ce_type, arrival.key)


# --- the gateway one repetition runs ----------------------------------------------------------


@dataclass
class GatewayStack:
    """A running gateway, its one provider's id and API key, and its database file."""

    gateway: Gateway
    provider_id: str
    api_key: str
    database: Path

    @property
    def referrals_topic(self) -> str:
        return topics.provider_referrals_topic(self.provider_id)

    async def requests_taken_in(self, count: int) -> None:
        """Wait (bounded) until the chain consumer has applied `count` referral requests."""
        statement = select(func.count()).where(InboxRecord.ce_type == ReferralRequested.event_type)
        deadline = time.monotonic() + 60 + count / 5
        while True:
            async with self.gateway.sessions() as session:
                if (await session.exec(statement)).one() >= count:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the gateway did not take in {count} referral requests")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def gateway_stack(ctx: BenchContext) -> AsyncIterator[GatewayStack]:
    """The gateway on private topics and a temporary SQLite file; its provider's topics go too."""
    run = uuid.uuid4().hex[:10]
    provider_id = f"bench-{run}"
    provider_topics = [
        topics.provider_referrals_topic(provider_id),
        topics.provider_reports_topic(provider_id),
    ]
    specs = [TopicSpec(name, PARTITIONS, {}) for name in provider_topics]
    await kafka_admin.ensure_topics(ctx.kafka, specs)  # as `kette-stack provider add` would
    try:
        with tempfile.TemporaryDirectory(prefix="kette-bench-gateway-") as directory:
            database = Path(directory) / "gateway.db"
            settings = GatewaySettings(
                **kette_settings(ctx.kafka).model_dump(exclude={"service", "database_url"}),
                database_url=f"sqlite+aiosqlite:///{database}",
                chain_topic=await ctx.new_topic("chain", PARTITIONS),
                provider_status_topic=await ctx.new_topic("provider-status", PARTITIONS),
                deadletter_topic=await ctx.new_topic("deadletter", 1),
                group_id=f"kette.provider-gateway.bench-{run}",
                reports_group_id=f"kette.provider-gateway.bench-{run}-reports",
                reports_per_minute=1_000_000,
            )
            gateway = build(settings)
            await start(gateway)
            try:
                added = await onboard(
                    gateway.sessions, gateway.provisioner, provider_id, "Bench", "/kette/bench"
                )
                yield GatewayStack(gateway, provider_id, added.api_key, database)
            finally:
                await stop(gateway)
    finally:
        await kafka_admin.delete_topics(ctx.kafka, provider_topics)


@dataclass(frozen=True)
class Referral:
    """One participant's request and confirmed referral, as the chain publishes them."""

    participant_id: str
    referral_id: str
    request: KafkaRecord
    confirmed: KafkaRecord


def referrals(provider_id: str, count: int) -> list[Referral]:
    """Each its own participant, so every referral is a first one for the gateway."""
    made = []
    for _ in range(count):
        participant_id = new_participant_id()
        referral_id = f"ref-{uuid.uuid4().hex}"
        made.append(
            Referral(
                participant_id,
                referral_id,
                encode(new_event(requested(participant_id=participant_id), source=CHAIN_SOURCE)),
                encode(
                    new_event(
                        confirmed_referral(referral_id, provider_id, participant_id),
                        source=CHAIN_SOURCE,
                    )
                ),
            )
        )
    return made


# --- latency ----------------------------------------------------------------------------------


@benchmark(
    "gateway-latency",
    "confirmed referral on the chain topic → gateway → provider's topic vs a bare Kafka hop",
    samples=referrals_for,
)
async def latency(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition of both sides; `ctx.round` decides which goes first."""
    samples = referrals_for(events)
    ours, raw = await in_order(
        ctx.round, lambda: latency_ours(ctx, samples), lambda: latency_raw(ctx, samples)
    )
    return [
        Comparison(
            name,
            MS,
            Measurement(
                "chain consumer → inbox → row + outbox → relay", len(ours), percentile(ours, q)
            ),
            Measurement("aiokafka consume → produce", len(raw), percentile(raw, q)),
            higher_is_better=False,
        )
        for name, q in (("p50", 0.50), ("p99", 0.99))
    ]


async def latency_ours(ctx: BenchContext, samples: int) -> list[float]:
    """Referrals onto the gateway's chain topic, read back from the provider's topic."""
    async with gateway_stack(ctx) as stack:
        arrivals = Arrivals(lambda a: a.ce_type == ReferralIssued.event_type, _key)
        reader = TopicReader(ctx.kafka, stack.referrals_topic, arrivals.on_arrival)
        await reader.start()
        try:
            return await _timed_referrals(
                ctx,
                "latency · ours",
                stack.gateway.settings.chain_topic,
                referrals(stack.provider_id, WARMUP + samples),
                arrivals,
                ReferralIssued.event_type,
                stack.requests_taken_in,
            )
        finally:
            await reader.stop()


async def latency_raw(ctx: BenchContext, samples: int) -> list[float]:
    """The same records through a consumer that sends them on to a second topic."""
    inbound = await ctx.new_topic("hop-in", PARTITIONS)
    outbound = await ctx.new_topic("hop-out", PARTITIONS)
    arrivals: Arrivals[Key] = Arrivals(lambda _: True, _key)
    reader = TopicReader(ctx.kafka, outbound, arrivals.on_arrival)
    made = referrals("bench-bare", WARMUP + samples)

    async def taken_in(_count: int) -> None:
        keys = [(ReferralRequested.event_type, r.participant_id) for r in made]
        await arrivals.all_of(keys, "bare hop requests")

    await reader.start()
    try:
        async with bare_hop(ctx, inbound, outbound):
            return await _timed_referrals(
                ctx,
                "latency · raw",
                inbound,
                made,
                arrivals,
                ReferralConfirmed.event_type,
                taken_in,
            )
    finally:
        await reader.stop()


async def _timed_referrals(
    ctx: BenchContext,
    label: str,
    topic: str,
    made: list[Referral],
    arrivals: Arrivals[Key],
    arriving_type: str,
    taken_in: Callable[[int], Awaitable[None]],
) -> list[float]:
    """Requests first (untimed), then `WARMUP` untimed and the rest timed referrals (ms)."""
    producer = AIOKafkaProducer(**ctx.kafka.client_kwargs(), **PRODUCER_SETTINGS)
    await producer.start()
    try:
        requests = [((ReferralRequested.event_type, r.participant_id), r.request) for r in made]
        await paced(producer, topic, requests, ctx.step(f"{label} · requests", len(made)), 1000.0)
        await taken_in(len(made))
        confirmed = [((arriving_type, r.participant_id), r.confirmed) for r in made]
        warm_up, timed = confirmed[:WARMUP], confirmed[WARMUP:]
        await paced(producer, topic, warm_up, ctx.step(f"{label} · warm-up", WARMUP), RATE)
        await arrivals.all_of([key for key, _ in warm_up], f"{label} warm-up")
        acked = await paced(producer, topic, timed, ctx.step(label, len(timed)), RATE)
        await arrivals.all_of([key for key, _ in timed], label)
    finally:
        await producer.stop()
    return [(arrivals.seen[key] - acked[key]) * 1000 for key, _ in timed]


# --- reports through the REST API -------------------------------------------------------------


@benchmark(
    "gateway-reports",
    "reports/s through the gateway's REST API (checked, row + outbox, event) vs a bare "
    "FastAPI endpoint writing one row",
    samples=reports_for,
)
async def reports(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition of both sides on one gateway."""
    count = reports_for(events)
    async with gateway_stack(ctx) as stack:
        accepted: Arrivals[Key] = Arrivals(lambda a: a.ce_type == ReferralAccepted.event_type, _key)
        reader = TopicReader(
            ctx.kafka, stack.gateway.settings.provider_status_topic, accepted.on_arrival
        )
        await reader.start()
        try:
            issued = await _issued(ctx, stack, count + 1)
            transport = httpx.ASGITransport(app=create_app(stack.gateway))
            headers = {"Authorization": f"Bearer {stack.api_key}"}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://gateway", headers=headers, timeout=60.0
            ) as http:
                await _report(http, issued[0])  # warm-up: untimed, its event out first
                await accepted.all_of(
                    [(ReferralAccepted.event_type, issued[0].participant_id)], "warm-up"
                )
                ours, raw = await in_order(
                    ctx.round,
                    lambda: _reports_ours(ctx, http, issued[1:], accepted),
                    lambda: bare_rows_per_second(
                        ctx,
                        stack.database,
                        [_body(r) for r in issued[1:]],
                        "reports · raw",
                        CONCURRENCY,
                    ),
                )
        finally:
            await reader.stop()
    answered, published = ours
    bare = Measurement("bare FastAPI endpoint → one row", count, raw)
    return [
        Comparison(
            "reports answered",
            REPORTS_PER_S,
            Measurement("gateway API → checks → row + outbox (HTTP answered)", count, answered),
            bare,
        ),
        Comparison(
            "reports to event",
            REPORTS_PER_S,
            Measurement("gateway API → row + outbox → relay → provider-status", count, published),
            bare,
        ),
    ]


async def _issued(ctx: BenchContext, stack: GatewayStack, count: int) -> list[Referral]:
    """`count` referrals sent through the chain topic and on the provider's topic (untimed)."""
    issued: Arrivals[Key] = Arrivals(lambda a: a.ce_type == ReferralIssued.event_type, _key)
    reader = TopicReader(ctx.kafka, stack.referrals_topic, issued.on_arrival)
    made = referrals(stack.provider_id, count)
    producer = AIOKafkaProducer(**ctx.kafka.client_kwargs(), **PRODUCER_SETTINGS)
    await reader.start()
    await producer.start()
    try:
        chain = [
            ((None, r.participant_id), record) for r in made for record in (r.request, r.confirmed)
        ]
        topic = stack.gateway.settings.chain_topic
        await paced(producer, topic, chain, ctx.step("reports · referrals", len(chain)), 1000.0)
        keys = [(ReferralIssued.event_type, r.participant_id) for r in made]
        await issued.all_of(keys, "referrals for the reports")
    finally:
        await producer.stop()
        await reader.stop()
    return made


def _body(referral: Referral) -> dict[str, Any]:
    """The provider accepts the referral: the smallest report that moves it."""
    return {
        "type": "accepted",
        "report_id": f"bench-{referral.referral_id}",
        "referral_id": referral.referral_id,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }


async def _report(http: httpx.AsyncClient, referral: Referral) -> None:
    """POST one report; anything but 201 breaks the run."""
    answer = await http.post("/api/reports", json=_body(referral))
    if answer.status_code != 201:
        raise RuntimeError(f"report refused: {answer.status_code} {answer.text}")


async def _reports_ours(
    ctx: BenchContext, http: httpx.AsyncClient, issued: list[Referral], accepted: Arrivals[Key]
) -> tuple[float, float]:
    """Rates until the last HTTP answer and until the last event was on provider-status."""
    advance = ctx.step("reports · ours", len(issued))
    slots = asyncio.Semaphore(CONCURRENCY)

    async def one(referral: Referral) -> None:
        async with slots:
            await _report(http, referral)
        advance(1)

    began = time.perf_counter()
    await asyncio.gather(*(one(referral) for referral in issued))
    answered = time.perf_counter()
    await accepted.all_of(
        [(ReferralAccepted.event_type, r.participant_id) for r in issued], "reports · ours"
    )
    last = max(accepted.seen[(ReferralAccepted.event_type, r.participant_id)] for r in issued)
    return len(issued) / (answered - began), len(issued) / (last - began)
