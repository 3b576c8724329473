"""Malformed records on the real broker land on the dead-letter topic; the consumer moves on."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from core_integration_support import eventually
from faststream.kafka import KafkaBroker

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import KafkaRecord, ReceivedEvent, encode, new_event
from kette_core.ids import new_participant_id
from kette_core.publishing import EventPublisher

pytestmark = pytest.mark.integration

SOURCE = "/kette/test"


class Pipeline:
    """A chain consumer writing dead letters to a private topic, and an operator reading it."""

    def __init__(self, bootstrap: str, topic: str, dead_letter_topic: str, group: str) -> None:
        self.broker = KafkaBroker(bootstrap)
        self.handled: list[ReceivedEvent[StageStarted]] = []
        self.dead: list[ReceivedEvent[DeadLetterRecorded]] = []
        publisher = EventPublisher(self.broker)
        dead_letters = DeadLetters(publisher, SOURCE, topic=dead_letter_topic)

        handlers = EventHandlers()

        @handlers.on(StageStarted)
        async def on_stage_started(event: ReceivedEvent[StageStarted]) -> None:
            self.handled.append(event)

        subscribe(
            self.broker, topic, consumer=EventConsumer(handlers, dead_letters, group_id=group)
        )

        operators = EventHandlers()

        @operators.on(DeadLetterRecorded)
        async def on_dead_letter(event: ReceivedEvent[DeadLetterRecorded]) -> None:
            self.dead.append(event)

        subscribe(
            self.broker,
            dead_letter_topic,
            consumer=EventConsumer(operators, dead_letters, group_id=f"{group}-operators"),
        )


def valid_record(topic: str) -> KafkaRecord:
    payload = StageStarted(participant_id=new_participant_id(), stage=Stage.SCHOOL, attempt=1)
    return encode(new_event(payload, source=SOURCE), topic)


def raw_headers(record: KafkaRecord, **replace: bytes | None) -> list[tuple[str, bytes]]:
    headers = {name: value.encode() for name, value in record.headers.items()}
    for name, value in replace.items():
        if value is None:
            headers.pop(name)
        else:
            headers[name] = value
    return list(headers.items())


async def test_malformed_records_are_dead_lettered_with_reasons_and_valid_ones_still_handled(
    kafka_bootstrap: str, new_topic: Callable[..., Awaitable[str]]
) -> None:
    topic = await new_topic("chain", partitions=1)
    dead_letter_topic = await new_topic("deadletter", partitions=1)
    group = f"test-chain-{uuid.uuid4().hex[:8]}"
    good = valid_record(topic)
    violating = json.loads(good.value) | {"stage": "moon"}
    malformed: list[tuple[list[tuple[str, bytes]], bytes]] = [
        (raw_headers(good), b'{"participant_id": '),
        (raw_headers(good, ce_type=None), good.value),
        (raw_headers(good), json.dumps(violating).encode()),
        (raw_headers(good, ce_source=b"\xff\xfe/kette"), good.value),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for headers, value in malformed:
            await producer.send_and_wait(topic, value, key=good.key.encode(), headers=headers)
        await producer.send_and_wait(
            topic, good.value, key=good.key.encode(), headers=raw_headers(good)
        )
    finally:
        await producer.stop()

    pipeline = Pipeline(kafka_bootstrap, topic, dead_letter_topic, group)
    await pipeline.broker.start()
    try:
        await eventually(
            lambda: len(pipeline.dead) == 4 and len(pipeline.handled) == 1,
            "four dead letters and the valid event",
        )
    finally:
        await pipeline.broker.stop()

    by_offset = {dead.payload.original_offset: dead.payload for dead in pipeline.dead}
    assert by_offset[0].reason == "value: not valid JSON"
    assert by_offset[1].reason == "ce_type: missing header"
    assert by_offset[2].reason.startswith("payload field stage: Input should be 'language'")
    assert by_offset[3].reason == "ce_source: header value is not UTF-8"
    assert all(
        dead.original_topic == topic and dead.consumer_group == group for dead in by_offset.values()
    )
    assert by_offset[0].value_sha256 == hashlib.sha256(b'{"participant_id": ').hexdigest()
    assert by_offset[1].original_ce_type is None
    assert by_offset[2].original_ce_type == StageStarted.event_type
    assert pipeline.handled[0].offset == 4
    assert pipeline.handled[0].id == good.headers["ce_id"]


async def test_dead_lettered_records_are_committed_and_not_read_again_after_a_restart(
    kafka_bootstrap: str, new_topic: Callable[..., Awaitable[str]]
) -> None:
    topic = await new_topic("chain", partitions=1)
    dead_letter_topic = await new_topic("deadletter", partitions=1)
    group = f"test-chain-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        first = valid_record(topic)
        await producer.send_and_wait(topic, b"not json", headers=raw_headers(first))
        await producer.send_and_wait(
            topic, first.value, key=first.key.encode(), headers=raw_headers(first)
        )

        before = Pipeline(kafka_bootstrap, topic, dead_letter_topic, group)
        await before.broker.start()
        try:
            await eventually(lambda: len(before.dead) == 1 and len(before.handled) == 1, "round 1")
        finally:
            await before.broker.stop()

        second = valid_record(topic)
        await producer.send_and_wait(
            topic, second.value, key=second.key.encode(), headers=raw_headers(second)
        )
    finally:
        await producer.stop()

    after = Pipeline(kafka_bootstrap, topic, dead_letter_topic, group)
    await after.broker.start()
    try:
        await eventually(lambda: len(after.handled) == 1, "the record sent after the restart")
    finally:
        await after.broker.stop()

    assert [event.id for event in after.handled] == [second.headers["ce_id"]]
    assert await records_in(kafka_bootstrap, dead_letter_topic) == 1


async def records_in(bootstrap: str, topic: str) -> int:
    """End offset of a one-partition topic: how many records were ever written to it."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        return int((await consumer.end_offsets([partition]))[partition])
    finally:
        await consumer.stop()
