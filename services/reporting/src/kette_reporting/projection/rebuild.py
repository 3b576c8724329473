"""A projection database rebuilt from scratch: from any records, or from Kafka's offset 0.

For the audit CLI (`kette audit replay`, `as-of`): `rebuild(records, url)` applies records
you already hold (an export, a test's fixtures) in batches; `rebuild_from_kafka(...)` reads
every domain topic from offset 0 (through `kette_core.replay.replay_records`) to the end
offsets it found at its start, or to offsets recorded with an earlier report, decoding one
batch while the previous one is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import event

from kette_core.consuming import RawRecord
from kette_core.db import create_engine
from kette_core.replay import replay_records
from kette_reporting.database import migrate
from kette_reporting.projection.projector import PreparedBatch, Projector, Tally, prepare
from kette_reporting.projection.store import Offsets, ProjectionStore

Progress = Callable[[int], None]
"""Called with the number of records just written (for a rich progress bar)."""


def _no_progress(_count: int) -> None:
    return None


async def open_store(database_url: str, *, fresh: bool = True) -> ProjectionStore:
    """A migrated projection store; `fresh` asks for an empty one (refuses a used database),
    which SQLite then writes without waiting for the disk (a crash means: rebuild again)."""
    await migrate(database_url)
    engine = create_engine(database_url)
    if fresh and engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _no_sync)
    store = ProjectionStore(engine)
    if fresh and await store.offsets():
        await store.engine.dispose()
        raise ValueError("the database already holds a projection; rebuild into an empty one")
    return store


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
    client_options: dict[str, Any],
    topics: Sequence[str],
    database_url: str,
    *,
    batch: int = 2000,
    progress: Progress = _no_progress,
    until: Offsets | None = None,
) -> Tally:
    """Every record of `topics` from offset 0 to today's end (or to the offsets `until`
    names, to see the history as it stood when they were recorded) into a fresh database."""
    store = await open_store(database_url)
    consumer = AIOKafkaConsumer(*topics, enable_auto_commit=False, **client_options)
    await consumer.start()
    try:
        return await replay_into(store, consumer, batch=batch, progress=progress, until=until)
    finally:
        await consumer.stop()
        await store.engine.dispose()


async def replay_into(
    store: ProjectionStore,
    consumer: AIOKafkaConsumer,
    *,
    batch: int = 2000,
    progress: Progress = _no_progress,
    until: Offsets | None = None,
) -> Tally:
    """Read a started, group-less consumer's partitions from 0 to their end offsets (or
    `until`'s) into a fresh store, decoding one batch while the previous one is written."""
    projector = Projector(store)
    writer = _PipelinedWriter(projector, progress)
    limits = None if until is None else {TopicPartition(*key): end for key, end in until.items()}
    async with store.bulk_load():
        await replay_records(consumer, writer.submit, batch=batch, until=limits)
        await writer.drain()
    return projector.tally


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
