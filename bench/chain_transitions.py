"""Chain transitions per second: our workflow against a bare one-activity workflow, same run.

A transition is one signal in and the event it causes read back from Kafka. Both sides run
`chains_for(signals)` workflows on a private task queue of the stack's Temporal dev server,
with their own in-process `Worker` (same defaults, same pydantic data converter), publishing
to their own private topic on the stack's broker.

- ours: `IntegrationsketteWorkflow` with the real `publish_chain_events` activity (wired by
  `build_worker`, `EventPublisher` on `build_broker`). Each chain is first brought to an
  enrolled referral (start, proposal, `confirm_offer` Update, enrolment report; not timed);
  then every `provider_reported` signal is a full-attendance report with a fresh id, which the
  chain records and publishes as one `kette.chain.outcome_recorded.v1`.
- raw: `BareWorkflow` (`bench/_bare_workflow.py`): its signal handler appends the id to a
  list, its main loop runs one activity per signal, and the activity sends one small JSON
  record with a bare `AIOKafkaProducer` (acks=all, idempotent, as ours) and waits for the
  acknowledgement.

Closed loop: each workflow has one signal in flight and gets the next once the event of the
previous one was read from the topic, so neither side batches several signals into one
activity. One warm-up signal per workflow is not timed. `--events N` maps to N/50 signals
in all (400 at the default), spread over up to 20 workflows.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from bench._bare_workflow import BARE_ACTIVITY, BARE_WORKFLOW, BareRecord, BareWorkflow
from bench._chain import (
    OUTCOME_RECORDED,
    PARTITIONS,
    Arrival,
    TopicReader,
    chain_worker,
    enrolled_chains,
    new_task_queue,
    terminate,
    wait_bound,
    workflow_settings,
)
from bench.kafka_events import PRODUCER_SETTINGS, in_order
from bench.registry import Advance, BenchContext, Comparison, Measurement, benchmark
from kette_core.contracts.chain import Outcome
from kette_workflows.temporal.connect import connect_temporal
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow

SIGNALS_PER_EVENT_ARG = 50
MAX_CHAINS = 20
TRANSITIONS_PER_S = "transitions/s"


def signals_for(events: int) -> int:
    """Timed signals per side for the runner's `--events N`: N/50, at least one."""
    return max(1, events // SIGNALS_PER_EVENT_ARG)


def chains_for(signals: int) -> int:
    """Workflows per side: up to 20, never more than there are signals."""
    return min(MAX_CHAINS, signals)


class BarePublisher:
    """The baseline's activity: one JSON record per call, acknowledged before it returns."""

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer = producer
        self._topic = topic

    @activity.defn(name=BARE_ACTIVITY)
    async def publish(self, record: BareRecord) -> int:
        """Send and wait for the broker, as `EventPublisher.send_records` does."""
        value = json.dumps({"workflow_id": record.workflow_id, "input_id": record.input_id})
        await self._producer.send_and_wait(
            self._topic, value.encode("utf-8"), key=record.workflow_id.encode("utf-8")
        )
        return 1


# --- the benchmark ----------------------------------------------------------------------------


@benchmark(
    "chain-transitions",
    "Integrationskette signal → activity → event vs a bare one-activity workflow",
    needs=("kafka", "temporal"),
)
async def transitions(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition of both sides; `ctx.round` decides which goes first."""
    signals = signals_for(events)
    chains = chains_for(signals)
    ours, raw = await in_order(
        ctx.round,
        lambda: transitions_ours(ctx, signals, chains),
        lambda: transitions_raw(ctx, signals, chains),
    )
    return [Comparison("throughput", TRANSITIONS_PER_S, ours, raw)]


def _is_attendance_outcome(arrival: Arrival) -> bool:
    """The event a full-attendance report yields (the enrolment's outcome is set-up)."""
    return (
        arrival.ce_type == OUTCOME_RECORDED
        and arrival.value.get("outcome") == Outcome.ATTENDANCE.value
    )


async def transitions_ours(ctx: BenchContext, signals: int, chains: int) -> Measurement:
    """Our workflow and activity, as `build_worker` wires them."""
    topic = await ctx.new_topic("chain", PARTITIONS)
    settings = workflow_settings(ctx, new_task_queue("transitions"), chain_topic=topic)
    started: list[WorkflowHandle[Any, Any]] = []
    try:
        async with chain_worker(settings) as client:
            advance = ctx.step("transitions · ours · enrol chains", chains)
            prepared = await enrolled_chains(client, settings.task_queue, chains, advance, started)
            by_key = {chain.participant_id: chain for chain in prepared}

            async def send(key: str) -> None:
                chain = by_key[key]
                signal = chain.attendance(f"bench-report-{uuid.uuid4()}", datetime.now(UTC))
                await chain.handle.signal(IntegrationsketteWorkflow.provider_reported, signal)

            label = "transitions · ours"
            count, seconds = await closed_loop(
                ctx, label, topic, list(by_key), send, _is_attendance_outcome, signals
            )
    finally:
        await terminate(started)
    return Measurement("Integrationskette workflow", count, count / seconds)


async def transitions_raw(ctx: BenchContext, signals: int, chains: int) -> Measurement:
    """The bare workflow on its own task queue, worker and topic."""
    topic = await ctx.new_topic("bare", PARTITIONS)
    settings = workflow_settings(ctx, new_task_queue("bare"))
    client: Client = await connect_temporal(settings)
    producer = AIOKafkaProducer(**ctx.kafka.client_kwargs(), **PRODUCER_SETTINGS)
    started: list[WorkflowHandle[Any, Any]] = []
    await producer.start()
    try:
        worker = Worker(
            client,
            task_queue=settings.task_queue,
            workflows=[BareWorkflow],
            activities=[BarePublisher(producer, topic).publish],
        )
        async with worker:
            advance = ctx.step("transitions · raw · start workflows", chains)
            await _start_bare(client, settings.task_queue, chains, advance, started)
            by_key = {handle.id: handle for handle in started}

            async def send(key: str) -> None:
                await by_key[key].signal(BareWorkflow.reported, f"bench-{uuid.uuid4()}")

            count, seconds = await closed_loop(
                ctx, "transitions · raw", topic, list(by_key), send, lambda _a: True, signals
            )
    finally:
        await terminate(started)
        await producer.stop()
    return Measurement("one-activity workflow", count, count / seconds)


async def _start_bare(
    client: Client,
    task_queue: str,
    count: int,
    advance: Advance,
    started: list[WorkflowHandle[Any, Any]],
) -> None:
    async def one() -> None:
        handle: WorkflowHandle[Any, Any] = await client.start_workflow(
            BARE_WORKFLOW, id=f"bench-bare-{uuid.uuid4()}", task_queue=task_queue
        )
        started.append(handle)
        advance(1)

    await asyncio.gather(*(one() for _ in range(count)))


def share(total: int, keys: Sequence[str]) -> dict[str, int]:
    """Split `total` signals over the workflows as evenly as possible."""
    base, extra = divmod(total, len(keys))
    return {key: base + (1 if index < extra else 0) for index, key in enumerate(keys)}


async def closed_loop(
    ctx: BenchContext,
    label: str,
    topic: str,
    keys: Sequence[str],
    send: Callable[[str], Awaitable[None]],
    counts: Callable[[Arrival], bool],
    signals: int,
) -> tuple[int, float]:
    """Per workflow: signal, wait for its event on the topic, repeat; (events, seconds)."""
    arrived: dict[str, asyncio.Queue[Arrival]] = {key: asyncio.Queue() for key in keys}

    def on_arrival(arrival: Arrival) -> None:
        if counts(arrival) and arrival.key in arrived:
            arrived[arrival.key].put_nowait(arrival)

    done = 0

    async def drive(key: str, times: int, advance: Advance, timed: bool) -> None:
        nonlocal done
        for _ in range(times):
            await send(key)
            try:
                await asyncio.wait_for(arrived[key].get(), timeout=wait_bound(signals))
            except TimeoutError:
                raise RuntimeError(
                    f"{label}: no event for a signal to {key}; {done} of {signals} arrived"
                ) from None
            if timed:
                done += 1
            advance(1)

    reader = TopicReader(ctx.kafka, topic, on_arrival)
    await reader.start()
    try:
        warm = ctx.step(f"{label} · warm-up", len(keys))
        await asyncio.gather(*(drive(key, 1, warm, False) for key in keys))
        advance = ctx.step(label, signals)
        began = time.perf_counter()
        await asyncio.gather(
            *(drive(key, n, advance, True) for key, n in share(signals, keys).items())
        )
        seconds = time.perf_counter() - began
    finally:
        await reader.stop()
    return done, seconds
