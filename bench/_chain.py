"""Shared by the chain benchmarks: an in-process chain worker, enrolled chains, a topic reader.

Private (leading underscore), so the runner does not look for benchmarks here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from bench.kafka_events import kette_settings
from bench.registry import BenchContext
from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_devstack.kafka_admin import KafkaConnection
from kette_workflows.api import (
    ChainClient,
    ChainInput,
    ConfirmOffer,
    MatchResult,
    ProposedOffer,
    ProviderReport,
    chain_workflow_id,
)
from kette_workflows.domain.events import ReferralConfirmed, ReferralRequested
from kette_workflows.domain.vocabulary import ReportKind
from kette_workflows.programmes import load_programme
from kette_workflows.settings import WorkflowSettings
from kette_workflows.temporal.connect import connect_temporal
from kette_workflows.temporal.io import MatchSignal, ReportSignal
from kette_workflows.temporal.worker import build_worker
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow
from tests.support.profiles import learner_profile

PARTITIONS = 3  # like the domain topics
CASEWORKER = "cw-bench01"
PROVIDER = "vhs-bench"
OFFER = "bench-offer-1"
OUTCOME_RECORDED = "kette.chain.outcome_recorded.v1"
POLL_SECONDS = 0.05
E = TypeVar("E")


def wait_bound(count: int) -> float:
    """Seconds a phase may take before the run is called broken (never a pass criterion)."""
    return 60.0 + count / 5


def new_task_queue(hint: str) -> str:
    """A task queue no other worker polls, so only our in-process worker takes the tasks."""
    return f"bench-{hint}-{uuid.uuid4().hex[:10]}"


def workflow_settings(ctx: BenchContext, task_queue: str, **fields: Any) -> WorkflowSettings:
    """The chain's settings on the bench's broker and Temporal, with private topics."""
    if ctx.temporal_address is None:
        raise RuntimeError("the chain benchmarks need Temporal (kette-stack up)")
    kafka = kette_settings(ctx.kafka).model_dump(exclude={"service"})
    return WorkflowSettings(
        **kafka,
        service="bench",
        temporal_address=ctx.temporal_address,
        task_queue=task_queue,
        **fields,
    )


async def bridged_settings(ctx: BenchContext, task_queue: str) -> WorkflowSettings:
    """Settings for a worker and a bridge of our own: every topic the bridge reads is fresh."""
    return workflow_settings(
        ctx,
        task_queue,
        participants_topic=await ctx.new_topic("participants", PARTITIONS),
        matching_topic=await ctx.new_topic("matching", PARTITIONS),
        provider_status_topic=await ctx.new_topic("provider-status", PARTITIONS),
        chain_topic=await ctx.new_topic("chain", PARTITIONS),
        bridge_group_id=f"kette.workflows.bridge.{task_queue}",
    )


@asynccontextmanager
async def chain_worker(settings: WorkflowSettings) -> AsyncIterator[Client]:
    """`build_worker` as the worker process wires it (own broker), running in this process."""
    client = await connect_temporal(settings)
    broker = build_broker(settings)
    await broker.start()
    try:
        async with build_worker(client, EventPublisher(broker), settings):
            yield client
    finally:
        await broker.stop()


async def terminate(handles: Iterable[WorkflowHandle[Any, Any]]) -> None:
    """Chains wait years for their timers; leave nothing running on the dev server.

    Called after the worker stopped, so no workflow task is in flight when they end.
    """

    async def one(handle: WorkflowHandle[Any, Any]) -> None:
        with contextlib.suppress(RPCError):  # already gone
            await handle.terminate("benchmark finished")

    await asyncio.gather(*(one(handle) for handle in handles))


# --- chains with an enrolled referral ---------------------------------------------------------


@dataclass(frozen=True)
class EnrolledChain:
    """A running chain whose referral is enrolled: every attendance report is a transition."""

    participant_id: str
    referral_id: str
    handle: WorkflowHandle[Any, Any]

    def attendance(self, report_id: str, on: datetime) -> ReportSignal:
        """What the bridge would signal for a full-attendance report (no task, one event)."""
        report = ProviderReport(
            report_id=report_id,
            referral_id=self.referral_id,
            provider_id=PROVIDER,
            kind=ReportKind.ATTENDANCE,
            reported_on=on.date(),
            attendance_percent=100,
        )
        return ReportSignal(input_id=report_id, report=report)


async def start_enrolled_chain(
    client: Client, task_queue: str, started: list[WorkflowHandle[Any, Any]]
) -> EnrolledChain:
    """Start, propose one offer, confirm it (Update), report enrolment: not timed.

    The handle goes onto `started` at once, so a failed preparation leaves nothing running.
    """
    now = datetime.now(UTC)
    profile = learner_profile(now.date())
    start = ChainInput(profile=profile, programme=load_programme(profile.programme_id))
    handle: WorkflowHandle[Any, Any] = await client.start_workflow(
        IntegrationsketteWorkflow.run,
        start,
        id=chain_workflow_id(profile.participant_id),
        task_queue=task_queue,
    )
    started.append(handle)
    chains = ChainClient(client)
    pid = profile.participant_id
    requested = await _first(chains, pid, ReferralRequested)
    offers = [ProposedOffer(offer_id=OFFER, provider_id=PROVIDER, rank=1)]
    await handle.signal(
        IntegrationsketteWorkflow.offers_proposed,
        MatchSignal(
            input_id=f"bench-match-{uuid.uuid4()}",
            result=MatchResult(request_id=requested.request_id, offers=offers),
        ),
    )
    await chains.decide(
        pid, ConfirmOffer(stage=requested.stage, offer_id=OFFER, caseworker_id=CASEWORKER)
    )
    confirmed = await _first(chains, pid, ReferralConfirmed)
    enrolled = ProviderReport(
        report_id=f"bench-enrolled-{uuid.uuid4()}",
        referral_id=confirmed.referral_id,
        provider_id=PROVIDER,
        kind=ReportKind.ENROLLED,
        reported_on=now.date(),
    )
    await handle.signal(
        IntegrationsketteWorkflow.provider_reported,
        ReportSignal(input_id=enrolled.report_id, report=enrolled),
    )
    return EnrolledChain(pid, confirmed.referral_id, handle)


async def _first(chains: ChainClient, participant_id: str, kind: type[E]) -> E:
    """Poll the timeline (a Query) until an event of this kind is on it."""
    deadline = time.monotonic() + wait_bound(0)
    while time.monotonic() < deadline:
        for event in await chains.timeline(participant_id):
            if isinstance(event, kind):
                return event
        await asyncio.sleep(POLL_SECONDS)
    raise RuntimeError(f"{participant_id}: no {kind.__name__} on the timeline")


async def enrolled_chains(
    client: Client,
    task_queue: str,
    count: int,
    advance: Callable[[int], None],
    started: list[WorkflowHandle[Any, Any]],
) -> list[EnrolledChain]:
    """`count` chains prepared side by side; each handle goes onto `started` when started."""

    async def one() -> EnrolledChain:
        chain = await start_enrolled_chain(client, task_queue, started)
        advance(1)
        return chain

    return list(await asyncio.gather(*(one() for _ in range(count))))


# --- reading what arrives on a topic ----------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One record as the reader saw it, with the moment it was handed out by the client."""

    key: str
    ce_type: str | None
    value: dict[str, Any]
    seen_at: float


class TopicReader:
    """Reads a topic from its end at start (no group), calling `on_arrival` for each record."""

    def __init__(
        self, kafka: KafkaConnection, topic: str, on_arrival: Callable[[Arrival], None]
    ) -> None:
        self._consumer = AIOKafkaConsumer(**kafka.client_kwargs(), enable_auto_commit=False)
        self._topic = topic
        self._on_arrival = on_arrival
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Positions are fixed before returning, so nothing sent afterwards is missed."""
        await self._consumer.start()
        partitions = [TopicPartition(self._topic, p) for p in range(PARTITIONS)]
        self._consumer.assign(partitions)
        ends = await self._consumer.end_offsets(partitions)
        for partition, offset in ends.items():
            self._consumer.seek(partition, offset)
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=100)
            seen_at = time.perf_counter()
            for records in batches.values():
                for record in records:
                    headers = dict(record.headers)
                    ce_type = headers.get("ce_type")
                    self._on_arrival(
                        Arrival(
                            key=record.key.decode("utf-8") if record.key else "",
                            ce_type=ce_type.decode("utf-8") if ce_type else None,
                            value=json.loads(record.value) if record.value else {},
                            seen_at=seen_at,
                        )
                    )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of all values at or below it."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
