"""Reporting: rebuilding the projection from Kafka against bare consumption; the state report.

`reporting-replay`: the cohort's history (every domain topic's mix of events, a million by
default) on six fresh topics of three partitions; each side reads all of it group-less from
offset 0 to the end offsets:

- ours: `kette_reporting.projection.rebuild.rebuild_from_kafka`, as `kette audit replay`
  runs it (timed from the call: migrations, worker processes and the final merge count):
  one worker process per core reads its share of the partitions, `decode`s and validates
  each record, turns it into fact rows and inserts them in bulk with the consumed offsets,
  one transaction per batch, into a fresh SQLite file; the parent merges them sorted.
- raw: `AIOKafkaConsumer.getmany` on the same partitions and `json.loads` of each value.

`reporting-state-report`: a year of a Kreis the size of Steinfurt (about 1,500 participants)
projected once; ours reads the projection, computes and suppresses every table and renders
CSV, XLSX, HTML and PDF; raw only reads the projection's rows (`load_facts`). Seconds.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench._reporting_cohort import FakeRecord, as_records, cohort_events
from bench.kafka_events import EVENTS_PER_S, in_order
from bench.registry import BenchContext, Comparison, Measurement, benchmark
from bench.replay import BATCH, _Counter, _read_until
from kette_core.db import create_engine
from kette_reporting.figures.facts import load_facts
from kette_reporting.figures.period import Period
from kette_reporting.projection.rebuild import rebuild, rebuild_from_kafka
from kette_reporting.report.service import render, state_report
from kette_reporting.settings import DOMAIN_TOPICS

EVENTS_PER_PARTICIPANT = 14.2
"""The cohort's mean: a million events are the stories of about 70 000 people."""
STEINFURT_PARTICIPANTS = 1500


@benchmark(
    "reporting-replay",
    "reporting's projection rebuilt from offset 0 vs bare getmany of the same records",
    events=1_000_000,
)
async def reporting_replay(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition: fill six topics with the cohort's history, then each side reads it."""
    topics = [await ctx.new_topic(f"reporting-{name.split('.')[1]}", 3) for name in DOMAIN_TOPICS]
    people = max(1, round(events / EVENTS_PER_PARTICIPANT) + 1)
    advance = ctx.step("reporting · tell the cohort's stories", people)
    history = cohort_events(people, seed=ctx.round + 1)
    while len(history) < events:  # a small cohort's mean can fall short: tell more
        people *= 2
        history = cohort_events(people, seed=ctx.round + 1)
    history = history[:events]  # exactly N, so both sides count the same
    advance(people)
    records = as_records(history, dict(zip(DOMAIN_TOPICS, topics, strict=True)))
    await _fill(ctx, records)
    ours, raw = await in_order(
        ctx.round,
        lambda: _ours(ctx, topics, len(records)),
        lambda: _raw(ctx, topics, len(records)),
    )
    return [Comparison("throughput", EVENTS_PER_S, ours, raw)]


async def _fill(ctx: BenchContext, records: Sequence[FakeRecord]) -> None:
    """The records onto their topics and partitions, in batches (untimed)."""
    advance = ctx.step("reporting · fill topics", len(records))
    producer = AIOKafkaProducer(**ctx.kafka.client_kwargs(), acks=1, linger_ms=20)
    await producer.start()
    try:
        pending = []
        for index, record in enumerate(records, start=1):
            pending.append(
                await producer.send(
                    record.topic,
                    record.value,
                    key=record.key,
                    headers=list(record.headers),
                    partition=record.partition,
                )
            )
            if index % 5000 == 0:
                for sent in pending:
                    await sent
                pending.clear()
                advance(5000)
        for sent in pending:
            await sent
        advance(len(records) % 5000)
    finally:
        await producer.stop()


async def _ours(ctx: BenchContext, topics: Sequence[str], total: int) -> Measurement:
    advance = ctx.step("reporting · ours (decode, rows, bulk insert)", total)
    with tempfile.TemporaryDirectory(prefix="kette-bench-reporting-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'replay.db'}"
        options = ctx.kafka.client_kwargs()
        began = time.perf_counter()
        tally = await rebuild_from_kafka(options, topics, url, batch=BATCH * 4, progress=advance)
        seconds = time.perf_counter() - began
    if tally.unreadable:
        raise RuntimeError(f"reporting replay: {tally.unreadable} records did not decode")
    return Measurement("kette_reporting rebuild_from_kafka", tally.events, tally.events / seconds)


async def _raw(ctx: BenchContext, topics: Sequence[str], total: int) -> Measurement:
    counter = _Counter(ctx.step("reporting · raw getmany", total))
    consumer = AIOKafkaConsumer(*topics, **ctx.kafka.client_kwargs(), enable_auto_commit=False)
    await consumer.start()
    try:
        began = time.perf_counter()
        partitions = sorted(consumer.assignment())
        for partition in partitions:
            await consumer.position(partition)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        await _read_until(consumer, ends, json.loads, counter)
        seconds = time.perf_counter() - began
    finally:
        await consumer.stop()
    counter.flush()
    return Measurement("AIOKafkaConsumer.getmany", counter.count, counter.count / seconds)


@benchmark(
    "reporting-state-report",
    "state report of a Kreis-year (~1,500 people), all four formats vs reading the rows",
    events=STEINFURT_PARTICIPANTS,
)
async def reporting_state_report(ctx: BenchContext, events: int) -> list[Comparison]:
    """`events` is the number of participants here; seconds, lower is better."""
    advance = ctx.step("reporting · project a Kreis-year", events)
    records = as_records(cohort_events(events, seed=ctx.round + 1))
    with tempfile.TemporaryDirectory(prefix="kette-bench-report-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'report.db'}"
        await rebuild(records, url)
        advance(events)
        engine = create_engine(url)
        try:
            period = Period.parse("2025")
            began = time.perf_counter()
            report = await state_report(engine, period)
            sizes = [len(render(report, fmt)) for fmt in ("csv", "xlsx", "html", "pdf")]
            ours = time.perf_counter() - began
            began = time.perf_counter()
            facts = await load_facts(engine)
            raw = time.perf_counter() - began
        finally:
            await engine.dispose()
    if not all(sizes):
        raise RuntimeError("an empty report format")
    if len(facts.registrations) != events:
        raise RuntimeError(f"{len(facts.registrations)} registrations read, {events} told")
    return [
        Comparison(
            "state report",
            "s",
            Measurement("state_report + 4 formats", events, ours),
            Measurement("load_facts (read rows)", events, raw),
            higher_is_better=False,
        )
    ]
