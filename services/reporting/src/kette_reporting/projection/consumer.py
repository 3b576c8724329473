"""The live projection: a Kafka consumer that continues where the database says, not Kafka.

The group exists for the ACLs and the operators' lag view; its commits are never read.
On every assignment each partition is sought to the offset stored with the rows it
produced, so a restart (or a crash between the database commit and anything else) reads
no record twice into the figures and skips none. A failing database rewinds the same way
and retries with kette_core's backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from kette_core.consumer_health import CONSUMERS, ConsumerHealth, HighWater
from kette_core.consuming import RawRecord
from kette_core.retrying import Backoff, Retrying
from kette_reporting.projection.projector import Projector

log = structlog.get_logger(__name__)


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    """On assignment: continue each partition at the offset the database holds."""

    def __init__(self, owner: ProjectionConsumer) -> None:
        self._owner = owner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        """Nothing to commit: the offsets were stored with the rows."""

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await self._owner.seek_to_stored(list(assigned))


class ProjectionConsumer:
    """Reads batches from every domain topic and hands them to the projector."""

    def __init__(
        self,
        projector: Projector,
        topics: Sequence[str],
        group_id: str,
        client_options: dict[str, Any],
        *,
        batch_size: int = 2000,
        backoff: Backoff | None = None,
    ) -> None:
        self.projector = projector
        self.topics = tuple(topics)
        self.group_id = group_id
        self.batch_size = batch_size
        self.health = CONSUMERS.watch(ConsumerHealth(group_id))
        self._retrying = Retrying(group_id, backoff)
        self._options = client_options
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def kafka(self) -> AIOKafkaConsumer:
        """The started aiokafka consumer (made in `start`: aiokafka wants a running loop)."""
        if self._consumer is None:
            raise RuntimeError("the projection consumer has not been started")
        return self._consumer

    async def start(self) -> None:
        """Join the group and start reading in the background."""
        self._consumer = AIOKafkaConsumer(
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **self._options,
        )
        self._consumer.subscribe(self.topics, listener=_SeekToStored(self))
        await self._consumer.start()
        self.health.kafka = _HighWater(self._consumer)
        self._task = asyncio.create_task(self._run(), name=f"projection {self.group_id}")

    async def stop(self) -> None:
        """Stop reading and leave the group; a batch cut short is rolled back with its offsets,
        so the next start reads it again."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    async def seek_to_stored(self, partitions: list[TopicPartition]) -> None:
        """Each partition to its stored next offset; from the beginning if it has none."""
        stored = await self.projector.store.offsets()
        fresh = []
        for partition in partitions:
            offset = stored.get((partition.topic, partition.partition))
            if offset is None:
                fresh.append(partition)
            else:
                self.kafka.seek(partition, offset)
        if fresh:
            await self.kafka.seek_to_beginning(*fresh)

    async def _run(self) -> None:
        while True:
            fetched = await self.kafka.getmany(timeout_ms=500, max_records=self.batch_size)
            records: list[RawRecord] = [r for batch in fetched.values() for r in batch]
            if not records:
                continue
            try:
                await self.projector.project(records)
            except Exception as error:  # the database: rewind to what it holds, try again
                self.health.retried(records[0])
                await self._rewind()
                await self._retrying.failed(error)
                continue
            self.health.dealt_with(records)
            self._retrying.succeeded()

    async def _rewind(self) -> None:
        try:
            await self.seek_to_stored(list(self.kafka.assignment()))
        except Exception as error:
            log.warning("projection.rewind_failed", error=f"{type(error).__name__}: {error}")


class _HighWater:
    """The consumer's high-water marks, for the lag in /metrics and /readyz."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self._consumer = consumer

    def highwater(self, partition: Any) -> int | None:
        value = self._consumer.highwater(partition)
        return value if isinstance(value, int) else None


_: type[HighWater] = _HighWater
