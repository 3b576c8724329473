"""Latency from a provider report on Kafka to the chain's event on Kafka, vs a bare round trip.

Both sides get the same records: `kette.referral.attendance_reported.v1` CloudEvents as the
provider gateway publishes them (full attendance, key = participant id), sent by a bare
`AIOKafkaProducer` (acks=all, idempotent) at a steady `RATE` per second, round robin over
`chains_for(samples)` participants. Per report, the clock runs from the producer's
acknowledgement to the moment a reader (no group, positioned at the end) hands out the
resulting record; the report is recognised by participant id and `occurred_on`, which is a
different day for every report of a participant.

- ours: the bridge (`attach_bridge` on private participants, matching and provider-status
  topics, its own broker and Temporal client) signals `provider_reported`; the chain worker
  (`build_worker`, its own broker) runs the chain and publishes
  `kette.chain.outcome_recorded.v1` on a private chain topic. Worker and bridge run in this
  process, on a private task queue; the chains are enrolled beforehand, as in
  `chain-transitions`.
- raw: an `AIOKafkaConsumer` in its own group reads the report and sends it unchanged to a
  second topic (acks=all, waiting for the acknowledgement); the reader reads that topic.

So ours / raw isolates the bridge, Temporal and our code. One warm-up report per participant
is not timed (consumer groups join, workers warm up). `--events N` maps to N/125 timed
reports per side (160 at the default, 8 s at `RATE`), at most 10 participants.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from temporalio.client import WorkflowHandle

from bench._baselines import Arrivals, bare_hop, paced
from bench._chain import (
    OUTCOME_RECORDED,
    PARTITIONS,
    PROVIDER,
    Arrival,
    TopicReader,
    bridged_settings,
    chain_worker,
    enrolled_chains,
    new_task_queue,
    percentile,
    terminate,
)
from bench.kafka_events import PRODUCER_SETTINGS
from bench.registry import BenchContext, Comparison, Measurement, benchmark
from kette_core.contracts.chain import Outcome
from kette_core.contracts.referrals import AttendanceReported
from kette_core.envelope import KafkaRecord, encode, new_event
from kette_core.ids import new_participant_id
from kette_core.kafka import build_broker
from kette_workflows.temporal.bridge import Bridge
from kette_workflows.temporal.bridge_app import attach_bridge
from kette_workflows.temporal.connect import connect_temporal

RATE = 20.0
"""Reports per second: far below either side's throughput, so this measures latency."""
SAMPLES_PER_EVENT_ARG = 125
MAX_CHAINS = 10
GATEWAY_SOURCE = "/kette/provider-gateway"
MS = "ms"

ReportKey = tuple[str, str]
"""(participant id, occurred_on as ISO date): identifies a report and the event it caused."""


def samples_for(events: int) -> int:
    """Timed reports per side for the runner's `--events N`: N/125, at least one."""
    return max(1, events // SAMPLES_PER_EVENT_ARG)


def chains_for(samples: int) -> int:
    """Participants per side: up to 10, never more than there are reports."""
    return min(MAX_CHAINS, samples)


@benchmark(
    "chain-latency",
    "provider report on Kafka → bridge → chain → event on Kafka vs a bare Kafka round trip",
    needs=("kafka", "temporal"),
)
async def latency(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition of both sides; `ctx.round` decides which goes first."""
    samples = samples_for(events)
    chains = chains_for(samples)
    sides: list[Callable[[], Awaitable[list[float]]]] = [
        lambda: latency_ours(ctx, samples, chains),
        lambda: latency_raw(ctx, samples, chains),
    ]
    if ctx.round % 2:
        raw = await sides[1]()
        ours = await sides[0]()
    else:
        ours = await sides[0]()
        raw = await sides[1]()
    comparisons = []
    for name, q in (("p50", 0.50), ("p99", 0.99)):
        comparisons.append(
            Comparison(
                name,
                MS,
                Measurement("bridge → chain workflow → activity", len(ours), percentile(ours, q)),
                Measurement("aiokafka consume → produce", len(raw), percentile(raw, q)),
                higher_is_better=False,
            )
        )
    return comparisons


# --- what is sent, and what comes back --------------------------------------------------------


@dataclass
class Reports:
    """Attendance reports for a set of referrals; each participant's next one a day earlier."""

    referrals: dict[str, str]
    """participant id → referral id"""
    _sent: dict[str, int] = field(default_factory=dict)
    _today: date = field(default_factory=lambda: datetime.now(UTC).date())

    def round_robin(self, count: int) -> list[tuple[ReportKey, KafkaRecord]]:
        participants = list(self.referrals)
        return [self.next(participants[i % len(participants)]) for i in range(count)]

    def next(self, participant_id: str) -> tuple[ReportKey, KafkaRecord]:
        self._sent[participant_id] = self._sent.get(participant_id, 0) + 1
        day = self._today - timedelta(days=self._sent[participant_id])
        payload = AttendanceReported(
            referral_id=self.referrals[participant_id],
            participant_id=participant_id,
            provider_id=PROVIDER,
            occurred_on=day,
            period_start=day,
            period_end=day,
            attended_hours=20,
            planned_hours=20,
        )
        record = encode(new_event(payload, source=GATEWAY_SOURCE))
        return (participant_id, day.isoformat()), record


def _report_key(arrival: Arrival) -> ReportKey:
    """The report a record answers: its participant and the report's day."""
    return (arrival.key, str(arrival.value.get("occurred_on")))


async def measure(
    ctx: BenchContext,
    label: str,
    topic: str,
    reports: Reports,
    arrivals: Arrivals[ReportKey],
    samples: int,
) -> list[float]:
    """Warm up with one report per participant, then time `samples` paced reports (ms)."""
    producer = AIOKafkaProducer(**ctx.kafka.client_kwargs(), **PRODUCER_SETTINGS)
    await producer.start()
    try:
        warm_up = reports.round_robin(len(reports.referrals))
        await paced(producer, topic, warm_up, ctx.step(f"{label} · warm-up", len(warm_up)), RATE)
        await arrivals.all_of([key for key, _ in warm_up], f"{label} warm-up")
        timed = reports.round_robin(samples)
        acked = await paced(producer, topic, timed, ctx.step(label, samples), RATE)
        await arrivals.all_of([key for key, _ in timed], label)
    finally:
        await producer.stop()
    return [(arrivals.seen[key] - acked[key]) * 1000 for key, _ in timed]


# --- ours: bridge, chain workflow, publishing activity ----------------------------------------


def _is_attendance_outcome(arrival: Arrival) -> bool:
    return (
        arrival.ce_type == OUTCOME_RECORDED
        and arrival.value.get("outcome") == Outcome.ATTENDANCE.value
    )


async def latency_ours(ctx: BenchContext, samples: int, chains: int) -> list[float]:
    """Reports onto the provider-status topic, events read from the chain topic."""
    task_queue = new_task_queue("latency")
    settings = await bridged_settings(ctx, task_queue)
    started: list[WorkflowHandle[Any, Any]] = []
    try:
        async with chain_worker(settings) as client:
            advance = ctx.step("latency · ours · enrol chains", chains)
            prepared = await enrolled_chains(client, task_queue, chains, advance, started)
            bridge_client = await connect_temporal(settings)  # its own, as in its own process
            bridge_broker = build_broker(settings)
            attach_bridge(bridge_broker, Bridge(bridge_client, task_queue), settings)
            arrivals = Arrivals(_is_attendance_outcome, _report_key)
            reader = TopicReader(ctx.kafka, settings.chain_topic, arrivals.on_arrival)
            await reader.start()
            await bridge_broker.start()
            try:
                reports = Reports({chain.participant_id: chain.referral_id for chain in prepared})
                return await measure(
                    ctx,
                    "latency · ours",
                    settings.provider_status_topic,
                    reports,
                    arrivals,
                    samples,
                )
            finally:
                await bridge_broker.stop()
                await reader.stop()
    finally:
        await terminate(started)


# --- raw: consume and produce again -----------------------------------------------------------


async def latency_raw(ctx: BenchContext, samples: int, chains: int) -> list[float]:
    """The same reports through a consumer that republishes them to a second topic."""
    inbound = await ctx.new_topic("relay-in", PARTITIONS)
    outbound = await ctx.new_topic("relay-out", PARTITIONS)
    arrivals = Arrivals(
        lambda arrival: arrival.ce_type == AttendanceReported.event_type, _report_key
    )
    reader = TopicReader(ctx.kafka, outbound, arrivals.on_arrival)
    await reader.start()
    try:
        async with bare_hop(ctx, inbound, outbound):
            reports = Reports({new_participant_id(): f"bench-referral-{i}" for i in range(chains)})
            return await measure(ctx, "latency · raw", inbound, reports, arrivals, samples)
    finally:
        await reader.stop()
