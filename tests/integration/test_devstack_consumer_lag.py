"""`status` reads consumer lag from the real broker and flags a group stuck on a record."""

import uuid
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from kette_devstack import kafka_admin
from kette_devstack.blocking import run_blocking
from kette_devstack.consumer_lag import GroupVerdict, LagMonitor
from kette_devstack.kafka import KafkaNode

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


async def _commit(bootstrap: str, group: str, topic: str, offset: int) -> None:
    """What a consumer does after handling records up to offset."""
    partition = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign([partition])
        await consumer.commit({partition: OffsetAndMetadata(offset, "")})
    finally:
        await consumer.stop()


async def _group_with_waiting_records(
    kafka_node: KafkaNode, new_topic: NewTopic
) -> tuple[str, str]:
    topic = await new_topic("lag", partitions=1)
    group = f"test-lag-{uuid.uuid4().hex[:10]}"  # not kette.: the stack status ignores it
    producer = AIOKafkaProducer(bootstrap_servers=kafka_node.bootstrap)
    await producer.start()
    try:
        for n in range(5):
            await producer.send_and_wait(topic, b"record", key=f"p-{n}".encode())
    finally:
        await producer.stop()
    await _commit(kafka_node.bootstrap, group, topic, 2)
    return topic, group


def _check(kafka_node: KafkaNode, group: str, between: Callable[[], None]) -> GroupVerdict:
    """Two readings of the real broker, with `between` happening in the gap."""
    connection = kafka_node.connection()
    monitor = LagMonitor(
        kafka_node.state_dir / "run" / f"lag-{group}.json",
        lambda: run_blocking(lambda: kafka_admin.group_readings(connection, (group,))),
        wait=lambda _seconds: between(),
    )
    try:
        (verdict,) = monitor.check()
    finally:
        monitor.store.unlink(missing_ok=True)
    return verdict


async def test_a_group_that_commits_nothing_while_records_wait_is_flagged(
    kafka_node: KafkaNode, new_topic: NewTopic
) -> None:
    topic, group = await _group_with_waiting_records(kafka_node, new_topic)

    verdict = _check(kafka_node, group, between=lambda: None)

    assert (verdict.group, verdict.lag, verdict.stalled) == (group, 3, [f"{topic}:0 at 2"])


async def test_a_group_that_commits_between_the_readings_is_not_flagged(
    kafka_node: KafkaNode, new_topic: NewTopic
) -> None:
    topic, group = await _group_with_waiting_records(kafka_node, new_topic)

    def consume_the_rest() -> None:
        run_blocking(lambda: _commit(kafka_node.bootstrap, group, topic, 5))

    verdict = _check(kafka_node, group, between=consume_the_rest)

    assert (verdict.lag, verdict.stalled, verdict.reason) == (0, [], "caught up")
