"""Our CloudEvents publisher and consumer against bare aiokafka, on the same broker and run.

Both sides get the same events (`kette.chain.stage_started.v1`, about 95 bytes of JSON, one
participant id per event as the key), their own fresh topic or consumer group, their own
client, and a warm-up of `warmup_count(events)` events before the clock starts.

- publish, ours: `new_event` + `encode` per event, `EventPublisher.send_records` per batch of
  100 (the outbox relay's batch), on `build_broker` (idempotent producer, acks=all).
- publish, raw: `json.dumps` of the same payload dict (the very same bytes) with the same key,
  no headers, `AIOKafkaProducer(acks="all", enable_idempotence=True)`, one `send` per event and
  a wait for the batch's acknowledgements, same batches.
- consume, ours: `subscribe` + `EventConsumer` on `build_broker` (FastStream, offset committed
  after each record), `decode` validates into `StageStarted`; the handler counts.
- consume, raw: `AIOKafkaConsumer.getmany`, `json.loads` per value, a commit per fetched batch.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faststream.kafka import KafkaBroker
from pydantic import SecretStr

from bench.registry import Advance, BenchContext, Comparison, Measurement, benchmark
from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts.base import EventPayload
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent, encode, new_event
from kette_core.ids import new_participant_id
from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_core.settings import KetteSettings
from kette_devstack.kafka_admin import KafkaConnection

SOURCE = "/kette/bench"
PARTITIONS = 3  # like the domain topics
BATCH = 100  # OutboxRelay's default batch size
PRODUCER_SETTINGS: dict[str, Any] = {
    "acks": "all",
    "enable_idempotence": True,
    "linger_ms": 0,
    "max_batch_size": 16 * 1024,
}
"""What `build_broker` gives FastStream's producer, spelt out for the bare one."""
EVENTS_PER_S = "events/s"
T = TypeVar("T")
U = TypeVar("U")


def warmup_count(events: int) -> int:
    """Events sent or read before the clock starts: a tenth, at least 50, at most 2000."""
    return min(2000, max(50, events // 10))


def payloads(count: int) -> list[StageStarted]:
    """Small, realistic chain events, one participant each so keys spread over partitions."""
    stages = list(Stage)
    return [
        StageStarted(
            participant_id=new_participant_id(), stage=stages[i % len(stages)], attempt=1 + i % 3
        )
        for i in range(count)
    ]


def kette_settings(kafka: KafkaConnection) -> KetteSettings:
    """Service settings for the same broker and principal the bare clients use."""
    if kafka.username is None:
        return KetteSettings(
            service="bench", kafka_bootstrap=kafka.bootstrap, kafka_sasl_mechanism=None
        )
    return KetteSettings(
        service="bench",
        kafka_bootstrap=kafka.bootstrap,
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username=kafka.username,
        kafka_sasl_password=SecretStr(kafka.password or ""),
    )


def our_broker(kafka: KafkaConnection) -> KafkaBroker:
    """`build_broker` exactly as services call it."""
    return build_broker(kette_settings(kafka))


async def in_order(
    round_: int,
    first: Callable[[], Awaitable[T]],
    second: Callable[[], Awaitable[U]],
) -> tuple[T, U]:
    """Run both sides, swapping who goes first every other round so neither gains from order."""
    if round_ % 2 == 0:
        a = await first()
        b = await second()
    else:
        b = await second()
        a = await first()
    return a, b


# --- publish ---------------------------------------------------------------------------------


@benchmark("kafka-publish", "EventPublisher (CloudEvents, FastStream) vs bare AIOKafkaProducer")
async def publish(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition of the publish comparison."""
    warmup = warmup_count(events)
    data = payloads(warmup + events)
    ours, raw = await in_order(
        ctx.round,
        lambda: publish_ours(ctx, data, warmup),
        lambda: publish_raw(ctx, data, warmup),
    )
    return [Comparison("throughput", EVENTS_PER_S, ours, raw)]


async def publish_ours(ctx: BenchContext, data: Sequence[StageStarted], warmup: int) -> Measurement:
    """EventPublisher on build_broker; the envelope is built and encoded inside the clock."""
    topic = await ctx.new_topic("publish-ours", PARTITIONS)
    broker = our_broker(ctx.kafka)
    publisher = EventPublisher(broker)

    async def send(chunk: Sequence[StageStarted]) -> None:
        await publisher.send_records([encode(new_event(p, source=SOURCE), topic) for p in chunk])

    await broker.start()
    try:
        seconds = await _timed_batches(ctx.step("publish · ours", len(data)), data, warmup, send)
    finally:
        await broker.stop()
    count = await _records_in(ctx.kafka, topic) - warmup
    return Measurement("EventPublisher.send_records", count, count / seconds)


async def publish_raw(ctx: BenchContext, data: Sequence[StageStarted], warmup: int) -> Measurement:
    """Bare producer, same bytes and key; json.dumps inside the clock, as an app would."""
    topic = await ctx.new_topic("publish-raw", PARTITIONS)
    dicts = [p.model_dump(mode="json") for p in data]
    producer = AIOKafkaProducer(**ctx.kafka.client_kwargs(), **PRODUCER_SETTINGS)

    async def send(chunk: Sequence[dict[str, Any]]) -> None:
        pending = [
            await producer.send(
                topic, json.dumps(d).encode("utf-8"), key=d["participant_id"].encode("utf-8")
            )
            for d in chunk
        ]
        await asyncio.gather(*pending)

    await producer.start()
    try:
        seconds = await _timed_batches(ctx.step("publish · raw", len(dicts)), dicts, warmup, send)
    finally:
        await producer.stop()
    count = await _records_in(ctx.kafka, topic) - warmup
    return Measurement("AIOKafkaProducer.send", count, count / seconds)


async def _timed_batches(
    advance: Advance,
    items: Sequence[T],
    warmup: int,
    send: Callable[[Sequence[T]], Awaitable[None]],
) -> float:
    """Send the warm-up untimed, then the rest in batches; seconds for the rest."""
    for start in range(0, warmup, BATCH):
        await send(items[start : min(start + BATCH, warmup)])
        advance(min(BATCH, warmup - start))
    began = time.perf_counter()
    for start in range(warmup, len(items), BATCH):
        chunk = items[start : start + BATCH]
        await send(chunk)
        advance(len(chunk))
    return time.perf_counter() - began


async def _records_in(kafka: KafkaConnection, topic: str) -> int:
    """How many records the broker holds in a topic: what was really published."""
    consumer = AIOKafkaConsumer(**kafka.client_kwargs())
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(PARTITIONS)])
    finally:
        await consumer.stop()
    return sum(ends.values())


# --- consume ---------------------------------------------------------------------------------


@benchmark("kafka-consume", "EventConsumer (decode + validate, FastStream) vs AIOKafkaConsumer")
async def consume(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition: fill one topic, then each side reads all of it in its own group."""
    warmup = warmup_count(events)
    topic = await ctx.new_topic("consume", PARTITIONS)
    await fill(ctx, topic, payloads(warmup + events))
    ours, raw = await in_order(
        ctx.round,
        lambda: consume_ours(ctx, topic, warmup, events),
        lambda: consume_raw(ctx, topic, warmup, events),
    )
    return [Comparison("throughput", EVENTS_PER_S, ours, raw)]


async def fill(ctx: BenchContext, topic: str, data: Sequence[StageStarted]) -> None:
    """Write the encoded events (headers and all) with a bare producer; not timed."""
    await produce(ctx.kafka, topic, data, ctx.step("consume · fill topic", len(data)))


async def produce(
    kafka: KafkaConnection,
    topic: str,
    payloads: Sequence[EventPayload],
    advance: Advance,
    chunk: int = 1000,
) -> None:
    """Our encoded records (headers, key) of `payloads`, sent by a bare producer in chunks."""
    producer = AIOKafkaProducer(**kafka.client_kwargs(), **PRODUCER_SETTINGS)
    await producer.start()
    try:
        for begin in range(0, len(payloads), chunk):
            records = [
                encode(new_event(p, source=SOURCE), topic) for p in payloads[begin : begin + chunk]
            ]
            pending = [
                await producer.send(
                    topic,
                    r.value,
                    key=r.key.encode("utf-8") if r.key else None,
                    headers=[(name, value.encode("utf-8")) for name, value in r.headers.items()],
                )
                for r in records
            ]
            await asyncio.gather(*pending)
            advance(len(records))
    finally:
        await producer.stop()


class _Clock:
    """Counts handled records; starts timing after the warm-up, stops at the last one."""

    def __init__(self, warmup: int, events: int, advance: Advance) -> None:
        self.warmup = warmup
        self.total = warmup + events
        self.handled = 0
        self.began = 0.0
        self.ended = 0.0
        self.done = asyncio.Event()
        self._advance = advance
        self._shown = 0

    def tick(self) -> None:
        self.handled += 1
        if self.handled == self.warmup:
            self.began = time.perf_counter()
        elif self.handled == self.total:
            self.ended = time.perf_counter()
            self.done.set()
        if self.handled - self._shown >= 100 or self.handled == self.total:
            self._advance(self.handled - self._shown)
            self._shown = self.handled

    async def wait(self, what: str) -> None:
        """Wait (bounded) until every record was handled."""
        try:
            await asyncio.wait_for(self.done.wait(), timeout=60 + self.total / 200)
        except TimeoutError:
            raise RuntimeError(f"{what}: handled {self.handled} of {self.total}") from None

    def measurement(self, label: str) -> Measurement:
        count = self.handled - self.warmup
        return Measurement(label, count, count / (self.ended - self.began))


async def consume_ours(ctx: BenchContext, topic: str, warmup: int, events: int) -> Measurement:
    """subscribe + EventConsumer: decode, validate, dispatch, commit; the handler counts."""
    clock = _Clock(warmup, events, ctx.step("consume · ours", warmup + events))
    broker = our_broker(ctx.kafka)
    handlers = EventHandlers()

    async def count(_event: ReceivedEvent[StageStarted]) -> None:
        clock.tick()

    handlers.add(StageStarted, count)
    dead_letters = DeadLetters(EventPublisher(broker), SOURCE, topic=f"{topic}.deadletter")
    group = f"bench-ours-{uuid.uuid4().hex[:10]}"
    subscribe(broker, topic, consumer=EventConsumer(handlers, dead_letters, group_id=group))
    await broker.start()
    try:
        await clock.wait("our consumer")
    finally:
        await broker.stop()
    return clock.measurement("EventConsumer via subscribe")


async def consume_raw(ctx: BenchContext, topic: str, warmup: int, events: int) -> Measurement:
    """Bare consumer: getmany, json.loads each value, commit each fetched batch."""
    clock = _Clock(warmup, events, ctx.step("consume · raw", warmup + events))

    def handled(count: int) -> None:
        for _ in range(count):
            clock.tick()

    await consume_bare(ctx.kafka, topic, handled, clock.done.is_set, 60 + clock.total / 200)
    return clock.measurement("AIOKafkaConsumer.getmany")


async def consume_bare(
    kafka: KafkaConnection,
    topic: str,
    handled: Callable[[int], None],
    done: Callable[[], bool],
    seconds: float,
) -> None:
    """Every consumer benchmark's raw side: `getmany`, `json.loads`, a commit per batch.

    A fresh group; `handled` hears each fetched batch's count until `done` says enough.
    """
    consumer = AIOKafkaConsumer(
        topic,
        **kafka.client_kwargs(),
        group_id=f"bench-raw-{uuid.uuid4().hex[:10]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    deadline = time.perf_counter() + seconds
    try:
        while not done():
            if time.perf_counter() > deadline:
                raise RuntimeError(f"the bare consumer did not finish in {seconds:.0f} s")
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    json.loads(record.value or b"")
                handled(len(records))
            if batches:
                await consumer.commit()
    finally:
        await consumer.stop()
