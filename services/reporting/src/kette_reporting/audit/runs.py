"""The audit's runs against the stack (Kafka, Temporal, a projection database).

Imported by the CLI only inside the commands that need it, so `kette audit verify`, which
runs offline, starts without loading the Kafka, Temporal and database clients.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from temporalio.client import Client

from kette_core.db import create_engine
from kette_reporting.audit.chain_history import temporal_entries, workflow_history
from kette_reporting.audit.cut import DayCut
from kette_reporting.audit.history import HistoryCollector, Period, PeriodTree
from kette_reporting.audit.source import RecordSink, end_offsets, history_size, read_history
from kette_reporting.audit.timeline import Entry, ParticipantRecords, collector
from kette_reporting.figures.period import Period as ReportPeriod
from kette_reporting.projection.apply import BERLIN
from kette_reporting.projection.kafka_options import client_options
from kette_reporting.projection.projector import Tally
from kette_reporting.projection.rebuild import rebuild_from_kafka
from kette_reporting.projection.store import Offsets, ProjectionStore
from kette_reporting.report.service import MEDIA_TYPES, Format, report_bytes
from kette_reporting.settings import ReportingSettings

Bar = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]
"""Opens a progress bar with a label and a total; yields the callback that advances it."""

__all__ = ["MEDIA_TYPES", "ReportPeriod"]  # what the CLI takes from here besides the runs


def audit_period(text: str) -> Period:
    """A period as the state report names it (`2026-Q1`, ...), in whole Berlin days."""
    days = ReportPeriod.parse(text)
    start = datetime.combine(days.start, time(), BERLIN)
    until = datetime.combine(days.end + timedelta(days=1), time(), BERLIN)
    return Period(start, until)


def kafka_options(settings: ReportingSettings) -> dict[str, Any]:
    """aiokafka's options from the settings, as the projection uses them."""
    return client_options(settings)


async def period_tree(
    options: dict[str, Any], topics: Sequence[str], period: Period, bar: Bar
) -> PeriodTree:
    """Read the topics from offset 0 and build the period's tree."""
    sink = HistoryCollector(period)
    await _read(options, topics, sink, bar)
    return sink.build()


async def participant_records(
    options: dict[str, Any], topics: Sequence[str], participant: str, bar: Bar
) -> ParticipantRecords:
    """Read the topics from offset 0, keeping the participant's records and the dead letters."""
    sink = collector(participant)
    await _read(options, topics, sink, bar)
    return sink


async def _read(options: dict[str, Any], topics: Sequence[str], sink: RecordSink, bar: Bar) -> None:
    total = await history_size(options, topics)
    with bar("Reading the history", total) as advance:
        await read_history(options, topics, sink, advance)


async def stood_at(options: dict[str, Any], topics: Sequence[str], day: date, bar: Bar) -> Offsets:
    """The offsets the history stood at when `day` ended (see `audit.cut`)."""
    sink = DayCut(day, await end_offsets(options, topics))
    total = await history_size(options, topics)
    with bar(f"Finding where the history stood on {day}", total) as advance:
        await read_history(options, topics, sink, advance)
    return sink.offsets()


async def workflow_steps(address: str, namespace: str, workflow_id: str) -> list[Entry] | None:
    """The chain workflow's steps, or None when Temporal has no such workflow."""
    client = await Client.connect(address, namespace=namespace)
    events = await workflow_history(client, workflow_id)
    return None if events is None else temporal_entries(events, workflow_id)


async def rebuild(
    options: dict[str, Any],
    topics: Sequence[str],
    url: str,
    bar: Bar,
    until: Offsets | None = None,
    workers: int | None = None,
) -> Tally:
    """The projection rebuilt from offset 0 (to today's end, or to `until`) into the fresh
    database at `url`, by `workers` processes (default one per core)."""
    total = await history_size(options, topics)
    if until is not None:
        total = sum(end for (topic, _), end in until.items() if topic in topics)
    with bar("Rebuilding the projection", total) as advance:
        return await rebuild_from_kafka(
            options, topics, url, progress=advance, until=until, workers=workers
        )


async def caught_up(
    options: dict[str, Any], topics: Sequence[str], url: str, seconds: float, bar: Bar | None = None
) -> int:
    """Wait (polling, up to `seconds`) until the live projection has read every record Kafka
    held when asked; the records still missing then (0 when caught up). With `bar`, the wait
    shows a bar of the records the projection still had to read."""
    ends = await end_offsets(options, topics)
    engine = create_engine(url)
    store = ProjectionStore(engine)
    deadline = asyncio.get_running_loop().time() + seconds

    async def missing() -> int:
        read = await store.offsets()
        return sum(max(0, end - read.get(key, 0)) for key, end in ends.items())

    try:
        left = await missing()
        if bar is None or left == 0:
            return await _poll(missing, left, deadline, None)
        with bar("Waiting for the projection to read Kafka", left) as advance:
            return await _poll(missing, left, deadline, advance)
    finally:
        await engine.dispose()


async def _poll(
    missing: Callable[[], Awaitable[int]],
    left: int,
    deadline: float,
    advance: Callable[[int], None] | None,
) -> int:
    while left and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.5)
        now = await missing()
        if advance is not None:
            advance(left - now)
        left = now
    return left


async def report_as_of(
    url: str,
    period: ReportPeriod,
    fmt: str,
    stood: date | None,
    kommune: str | None,
    threshold: int,
) -> bytes:
    """The state report of the projection at `url` as it stood at the end of `stood` (or
    as it is)."""
    engine = create_engine(url)
    try:
        return await report_bytes(
            engine, period, cast(Format, fmt), as_of=stood, kommune=kommune, threshold=threshold
        )
    finally:
        await engine.dispose()
