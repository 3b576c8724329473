"""EventPublisher on a started broker: the records on Kafka are exactly what `encode` wrote."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator

import pytest
import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from structlog.testing import capture_logs

from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import decode, encode, new_event
from kette_core.ids import new_participant_id
from kette_core.kafka import aiokafka_producer, build_broker
from kette_core.publishing import EventPublisher
from kette_core.settings import KetteSettings

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
READ_SECONDS = 30.0


def settings(bootstrap: str) -> KetteSettings:
    return KetteSettings(service="test", kafka_bootstrap=bootstrap, kafka_sasl_mechanism=None)


async def test_a_batch_reaches_kafka_in_order_with_exactly_the_seven_headers(
    kafka_bootstrap: str, new_topic: NewTopic
) -> None:
    topic = await new_topic("publisher", partitions=1)
    participant = new_participant_id()
    records = [
        encode(
            new_event(
                StageStarted(participant_id=participant, stage=stage, attempt=1),
                source="/kette/test",
            ),
            topic,
        )
        for stage in Stage
    ]
    broker = build_broker(settings(kafka_bootstrap))
    await broker.start()
    try:
        assert aiokafka_producer(broker) is not None  # the fast path, not FastStream's publish
        await EventPublisher(broker).send_records(records)
    finally:
        await broker.stop()

    reader = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    await reader.start()
    read: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + READ_SECONDS
    try:  # one fetch may hand over only part of the batch, or come late on a busy broker
        while len(read) < len(records) and time.monotonic() < deadline:
            fetched = await reader.getmany(timeout_ms=1000, max_records=len(records))
            read += [record for batch in fetched.values() for record in batch]
    finally:
        await reader.stop()

    assert [(r.key, r.value) for r in read] == [(w.key.encode(), w.value) for w in records if w.key]
    assert [list(r.headers) for r in read] == [
        [(name, text.encode()) for name, text in w.headers.items()] for w in records
    ]
    assert [decode(r.headers, r.value).payload.stage for r in read] == list(Stage)


@pytest.fixture
def debug_lines_kept() -> Iterator[None]:
    """structlog filters by level before `capture_logs` sees a line, and a test that ran
    `configure_logging` in this process (the reporting CLI's) leaves that filter at INFO."""
    previous = structlog.get_config()["wrapper_class"]
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        yield
    finally:
        structlog.configure(wrapper_class=previous)


@pytest.mark.usefixtures("debug_lines_kept")
async def test_starting_a_subscriber_does_not_warn_that_topics_exist(
    kafka_bootstrap: str, new_topic: NewTopic
) -> None:
    topic = await new_topic("quiet", partitions=1)
    broker = build_broker(settings(kafka_bootstrap))

    @broker.subscriber(topic, group_id="kette.test-quiet")
    async def ignore(_body: bytes) -> None: ...

    with capture_logs() as logs:
        await broker.start()
        await broker.stop()

    notices = [line for line in logs if "Auto create topics" in line["event"]]
    assert notices  # FastStream still says it ...
    assert {line["log_level"] for line in notices} == {"debug"}  # ... below what services log
