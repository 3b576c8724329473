"""A projection database rebuilt from scratch: from any records, or from Kafka's offset 0.

For the audit CLI (`kette audit replay`, `as-of`): `rebuild(records, url)` applies records
you already hold (an export, a test's fixtures) in batches; `rebuild_from_kafka(...)` reads
every domain topic from offset 0 (through `kette_core.replay.replay_records`) to the end
offsets it found at its start, or to offsets recorded with an earlier report, in worker
processes that each read a share of the partitions (`workers`), decoding one batch while
the previous one is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_core.consuming import RawRecord
from kette_core.db import create_engine
from kette_core.replay import replay_records
from kette_reporting.database import migrate
from kette_reporting.projection.projector import PreparedBatch, Projector, Tally, prepare
from kette_reporting.projection.store import Offsets, ProjectionStore
from kette_reporting.projection.workers import (
    Progress,
    Share,
    default_workers,
    end_offsets,
    read_shares,
    share_out,
)


def _no_progress(_count: int) -> None:
    return None


async def open_store(database_url: str, *, fresh: bool = True) -> ProjectionStore:
    """A migrated projection store; `fresh` asks for an empty one (refuses a used database),
    which SQLite then writes without waiting for the disk (a crash means: rebuild again)."""
    await migrate(database_url)
    engine = _rebuild_engine(database_url) if fresh else create_engine(database_url)
    store = ProjectionStore(engine)
    if fresh and await store.offsets():
        await store.engine.dispose()
        raise ValueError("the database already holds a projection; rebuild into an empty one")
    return store


def _rebuild_engine(database_url: str) -> AsyncEngine:
    """An engine for a fresh projection: SQLite writes without waiting for the disk."""
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _no_sync)
    return engine


def _no_sync(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


async def rebuild(
    records: Iterable[RawRecord],
    database_url: str,
    *,
    batch: int = 2000,
    progress: Progress = _no_progress,
) -> Tally:
    """Apply `records` (in their order) to a fresh projection database at `database_url`."""
    store = await open_store(database_url)
    try:
        async with store.bulk_load():
            return await apply_records(store, records, batch=batch, progress=progress)
    finally:
        await store.engine.dispose()


async def apply_records(
    store: ProjectionStore,
    records: Iterable[RawRecord],
    *,
    batch: int = 2000,
    progress: Progress = _no_progress,
) -> Tally:
    """Apply records batch by batch through `store`; the projector's tally."""
    projector = Projector(store)
    writer = _PipelinedWriter(projector, progress)
    chunk: list[RawRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= batch:
            await writer.submit(chunk)
            chunk = []
    if chunk:
        await writer.submit(chunk)
    await writer.drain()
    return projector.tally


async def rebuild_from_kafka(
    client_options: Mapping[str, Any],
    topics: Sequence[str],
    database_url: str,
    *,
    batch: int = 2000,
    progress: Progress = _no_progress,
    until: Offsets | None = None,
    workers: int | None = None,
) -> Tally:
    """Every record of `topics` from offset 0 to today's end (or to the offsets `until`
    names, to see the history as it stood when they were recorded) into a fresh database,
    read by up to `workers` processes (default: one per core)."""
    store = await open_store(database_url)
    try:
        ends = await end_offsets(client_options, topics, until)
        shares = share_out(ends, workers or default_workers())
        read = partial(read_share, dict(client_options), database_url, batch)
        async with store.bulk_load():
            await store.engine.dispose()  # no open database handle is copied into a worker
            return await read_shares(shares, read, progress)
    finally:
        await store.engine.dispose()


async def read_share(
    client_options: dict[str, Any],
    database_url: str,
    batch: int,
    share: Share,
    progress: Progress,
) -> Tally:
    """One share's partitions, from offset 0 to their ends, into a projection whose bulk
    load has begun; runs in a worker process (or in the parent, for a single share)."""
    engine = _rebuild_engine(database_url)
    projector = Projector(ProjectionStore(engine, loading=True))
    writer = _PipelinedWriter(projector, progress)
    consumer = AIOKafkaConsumer(enable_auto_commit=False, **client_options)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(*key) for key in share.ends])
        until = {TopicPartition(*key): end for key, end in share.ends.items()}
        await replay_records(consumer, writer.submit, batch=batch, until=until)
        await writer.drain()
        return projector.tally
    finally:
        await consumer.stop()
        await engine.dispose()


class _PipelinedWriter:
    """Decodes batch n+1 while batch n is written (the driver works in its own thread)."""

    def __init__(self, projector: Projector, progress: Progress) -> None:
        self._projector = projector
        self._progress = progress
        self._pending: asyncio.Task[None] | None = None

    async def submit(self, records: Sequence[RawRecord]) -> None:
        prepared = prepare(records)
        await self.drain()
        self._pending = asyncio.ensure_future(self._write(prepared, len(records)))

    async def _write(self, prepared: PreparedBatch, count: int) -> None:
        await self._projector.write(prepared)
        self._progress(count)

    async def drain(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            await pending
