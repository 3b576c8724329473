"""Bare baselines more than one benchmark measures against, and their paced-latency clock.

Private (leading underscore), so the runner does not look for benchmarks here.

- `bare_hop`: an `AIOKafkaConsumer` in its own group sends each record unchanged to a second
  topic (acks=all, waiting for the acknowledgement): what any Kafka-to-Kafka service costs.
- `bare_rows_per_second`: a bare FastAPI endpoint that writes each JSON body as one row into
  a SQLite file, called in-process through httpx's ASGI transport.
- `paced` and `Arrivals`: send at a steady rate, note each acknowledgement, and note when a
  reader hands out the record each send caused.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench._chain import Arrival, wait_bound
from bench.kafka_events import PRODUCER_SETTINGS
from bench.registry import BenchContext
from kette_core.envelope import KafkaRecord

K = TypeVar("K", bound=Hashable)


# --- the bare Kafka hop -----------------------------------------------------------------------


@asynccontextmanager
async def bare_hop(ctx: BenchContext, inbound: str, outbound: str) -> AsyncIterator[None]:
    """While the block runs, every record on `inbound` is sent again, unchanged, to `outbound`."""
    consumer = AIOKafkaConsumer(
        inbound,
        **ctx.kafka.client_kwargs(),
        group_id=f"bench-relay-{uuid.uuid4().hex[:10]}",
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(**ctx.kafka.client_kwargs(), **PRODUCER_SETTINGS)

    async def relay() -> None:
        async for record in consumer:
            await producer.send_and_wait(
                outbound, record.value, key=record.key, headers=list(record.headers)
            )

    await producer.start()
    await consumer.start()
    relaying = asyncio.create_task(relay())
    try:
        yield
    finally:
        relaying.cancel()
        await asyncio.gather(relaying, return_exceptions=True)
        await consumer.stop()
        await producer.stop()


# --- paced sends and the records they caused --------------------------------------------------


class Arrivals(Generic[K]):
    """When each expected record was read; wakes a waiter once a set of them is complete."""

    def __init__(self, matches: Callable[[Arrival], bool], key_of: Callable[[Arrival], K]) -> None:
        self.seen: dict[K, float] = {}
        self._matches = matches
        self._key_of = key_of
        self._changed = asyncio.Event()

    def on_arrival(self, arrival: Arrival) -> None:
        if self._matches(arrival):
            self.seen.setdefault(self._key_of(arrival), arrival.seen_at)
            self._changed.set()

    async def all_of(self, keys: Sequence[K], what: str) -> None:
        """Wait (bounded) until every key has arrived."""
        deadline = time.monotonic() + wait_bound(len(keys))
        while (missing := sum(key not in self.seen for key in keys)) > 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}: {missing} of {len(keys)} records never came back")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=1.0)


async def paced(
    producer: AIOKafkaProducer,
    topic: str,
    records: Sequence[tuple[K, KafkaRecord]],
    advance: Callable[[int], None],
    rate: float,
) -> dict[K, float]:
    """Send at `rate` per second on a fixed schedule; when each was acknowledged."""
    acked: dict[K, float] = {}
    loop = asyncio.get_running_loop()
    began = loop.time()
    for index, (key, record) in enumerate(records):
        delay = began + index / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await producer.send_and_wait(
            topic,
            record.value,
            key=record.key.encode("utf-8") if record.key else None,
            headers=[(name, value.encode("utf-8")) for name, value in record.headers.items()],
        )
        acked[key] = time.perf_counter()
        advance(1)
    return acked


# --- the bare one-row endpoint ----------------------------------------------------------------


async def bare_rows_per_second(
    ctx: BenchContext, database: Path, bodies: Sequence[dict[str, Any]], label: str, at_once: int
) -> float:
    """POST each body to the bare endpoint, `at_once` at a time; bodies per second."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("CREATE TABLE IF NOT EXISTS bench_rows (id TEXT PRIMARY KEY, body TEXT)")
            )
        transport = httpx.ASGITransport(app=bare_row_app(engine))
        async with httpx.AsyncClient(transport=transport, base_url="http://bare") as http:
            advance = ctx.step(label, len(bodies))
            slots = asyncio.Semaphore(at_once)

            async def one(body: dict[str, Any]) -> None:
                async with slots:
                    answer = await http.post("/rows", json=body)
                answer.raise_for_status()
                advance(1)

            began = time.perf_counter()
            await asyncio.gather(*(one(body) for body in bodies))
            return len(bodies) / (time.perf_counter() - began)
    finally:
        await engine.dispose()


def bare_row_app(engine: AsyncEngine) -> FastAPI:
    """The baseline: take a JSON body, insert it as one row, answer 201."""
    app = FastAPI()

    @app.post("/rows", status_code=201)
    async def write(body: dict[str, Any]) -> dict[str, str]:
        row_id = uuid.uuid4().hex
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO bench_rows (id, body) VALUES (:id, :body)"),
                {"id": row_id, "body": str(body)},
            )
        return {"id": row_id}

    return app
