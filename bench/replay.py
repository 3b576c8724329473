"""Replaying a topic from offset 0: our decode and dispatch against bare consumption of it.

The question a rebuild of reporting's projections or an auditor's replay of a Kommune asks:
how fast does Kette read history? One topic of N events (a million by default) is filled
once per repetition, untimed; each side then reads all of it with its own group-less
consumer, partitions assigned, from offset 0 to the end, batch by batch (500 records).

- ours: `kette_core.replay.replay`: `decode` validates every record into `StageStarted`
  and `EventHandlers.dispatch` hands it to a handler that only counts.
- raw: `AIOKafkaConsumer.getmany` on the same partitions, `json.loads` of each value.

Each side's clock runs from its seek to offset 0 (after its consumer started) to its last record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.kafka_events import EVENTS_PER_S, PARTITIONS, SOURCE, in_order, payloads
from bench.registry import Advance, BenchContext, Comparison, Measurement, benchmark
from kette_core.consuming import EventHandlers
from kette_core.contracts.chain import StageStarted
from kette_core.envelope import KafkaRecord, ReceivedEvent, encode, new_event
from kette_core.replay import replay as replay_topic

BATCH = 500
DISTINCT = 10_000
"""Distinct events encoded for the fill; a million are these, repeated with their offsets."""
FILL_BATCH_BYTES = 512 * 1024


@benchmark(
    "replay",
    "kette_core.replay (decode + dispatch) vs bare getmany from offset 0",
    events=1_000_000,
)
async def replay(ctx: BenchContext, events: int) -> list[Comparison]:
    """One repetition: fill a topic with `events` records, then each side reads all of them."""
    topic = await ctx.new_topic("replay", PARTITIONS)
    await fill(ctx, topic, events)
    ours, raw = await in_order(
        ctx.round,
        lambda: replay_ours(ctx, topic, events),
        lambda: replay_raw(ctx, topic, events),
    )
    return [Comparison("throughput", EVENTS_PER_S, ours, raw)]


async def fill(ctx: BenchContext, topic: str, events: int) -> None:
    """Our encoded records, sent as ready-made batches per partition (fast, untimed)."""
    advance = ctx.step("replay · fill topic", events)
    records = [encode(new_event(p, source=SOURCE), topic) for p in payloads(min(events, DISTINCT))]
    producer = AIOKafkaProducer(**ctx.kafka.client_kwargs(), acks=1)
    await producer.start()
    try:
        for partition in range(PARTITIONS):
            share = range(partition, events, PARTITIONS)
            await _send_batches(
                producer, topic, partition, [records[i % len(records)] for i in share], advance
            )
    finally:
        await producer.stop()


async def _send_batches(
    producer: AIOKafkaProducer,
    topic: str,
    partition: int,
    records: Sequence[KafkaRecord],
    advance: Advance,
) -> None:
    batch = producer.create_batch()
    pending = []
    for record in records:
        headers = [(name, text.encode()) for name, text in record.headers.items()]
        key = record.key.encode() if record.key else None
        if batch.append(key=key, value=record.value, timestamp=None, headers=headers) is None:
            pending.append(await producer.send_batch(batch, topic, partition=partition))
            advance(batch.record_count())
            batch = producer.create_batch()
            batch.append(key=key, value=record.value, timestamp=None, headers=headers)
    if batch.record_count():
        pending.append(await producer.send_batch(batch, topic, partition=partition))
        advance(batch.record_count())
    for sent in pending:
        await sent


def _group_less_consumer(ctx: BenchContext, topic: str) -> AIOKafkaConsumer:
    """Made for the topic, without a group: it holds every partition from the start."""
    return AIOKafkaConsumer(topic, **ctx.kafka.client_kwargs(), enable_auto_commit=False)


async def replay_ours(ctx: BenchContext, topic: str, events: int) -> Measurement:
    """kette_core.replay with a handler that counts."""
    counter = _Counter(ctx.step("replay · ours", events))
    handlers = EventHandlers()

    async def count(_event: ReceivedEvent[StageStarted]) -> None:
        counter.tick()

    handlers.add(StageStarted, count)
    consumer = _group_less_consumer(ctx, topic)
    await consumer.start()
    try:
        began = time.perf_counter()
        result = await replay_topic(consumer, handlers, batch=BATCH)
        seconds = time.perf_counter() - began
    finally:
        await consumer.stop()
    counter.flush()
    if result.invalid:
        raise RuntimeError(f"replay: {result.invalid} records did not decode")
    return Measurement("kette_core.replay", counter.count, counter.count / seconds)


async def replay_raw(ctx: BenchContext, topic: str, events: int) -> Measurement:
    """Bare consumer on the same partitions: getmany batch by batch, json.loads each value."""
    counter = _Counter(ctx.step("replay · raw", events))
    consumer = _group_less_consumer(ctx, topic)
    await consumer.start()
    try:
        began = time.perf_counter()  # like ours: from the seek to offset 0 to the last record
        partitions = sorted(consumer.assignment())
        for partition in partitions:  # as kette_core.replay does: the start settled first
            await consumer.position(partition)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        await _read_until(consumer, ends, lambda value: json.loads(value), counter)
        seconds = time.perf_counter() - began
    finally:
        await consumer.stop()
    counter.flush()
    return Measurement("AIOKafkaConsumer.getmany", counter.count, counter.count / seconds)


async def _read_until(
    consumer: AIOKafkaConsumer,
    ends: dict[TopicPartition, int],
    read: Callable[[bytes], object],
    counter: _Counter,
) -> None:
    """getmany until every partition reached the end offset it had at the start."""
    left = {tp: end for tp, end in ends.items() if end > 0}
    while left:
        fetched = await consumer.getmany(*left, timeout_ms=1000, max_records=BATCH)
        for partition, records in fetched.items():
            for record in records:
                if record.offset < left.get(partition, 0):
                    read(record.value)
                    counter.tick()
            if partition in left and await consumer.position(partition) >= left[partition]:
                del left[partition]


class _Counter:
    """Counts what a side read; moves the progress bar every thousand."""

    def __init__(self, advance: Advance) -> None:
        self.count = 0
        self._advance = advance
        self._shown = 0

    def tick(self) -> None:
        self.count += 1
        if self.count - self._shown >= 1000:
            self.flush()

    def flush(self) -> None:
        self._advance(self.count - self._shown)
        self._shown = self.count
