"""The local broker: idempotent start, domain topics with unlimited retention, test topics."""

import socket
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from kette_devstack import kafka_admin, topics
from kette_devstack.errors import StackError
from kette_devstack.health import StartOutcome
from kette_devstack.kafka import KafkaConfig, KafkaNode
from kette_devstack.ports import free_port

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


def test_starting_a_running_broker_again_reuses_it(kafka_node: KafkaNode) -> None:
    pid_before = kafka_node.health().pid

    outcome = kafka_node.start(owner="tests")

    assert outcome is StartOutcome.ALREADY_RUNNING
    assert kafka_node.health().pid == pid_before


def test_asking_for_secure_mode_while_plaintext_runs_is_refused(kafka_node: KafkaNode) -> None:
    secure = KafkaNode(replace(kafka_node.config, security="scram"))

    with pytest.raises(StackError) as failure:
        secure.start(owner="tests")

    assert "already running in plaintext mode, but scram mode" in failure.value.cause
    assert kafka_node.health().healthy


def test_running_broker_is_reported_healthy_with_its_address(kafka_node: KafkaNode) -> None:
    health = kafka_node.health()

    assert health.healthy, health.reason
    assert kafka_node.bootstrap in health.reason


async def test_domain_topics_exist_with_unlimited_retention(kafka_node: KafkaNode) -> None:
    configs = await kafka_admin.topic_configs(kafka_node.connection(), topics.DOMAIN_TOPICS)

    assert set(configs) == set(topics.DOMAIN_TOPICS)
    for name, config in configs.items():
        assert (name, config["retention.ms"], config["retention.bytes"]) == (name, "-1", "-1")


async def test_seed_providers_have_their_topics(kafka_node: KafkaNode) -> None:
    present = await kafka_admin.list_topics(kafka_node.connection())

    for provider_id in kafka_node.providers():
        assert set(topics.provider_topics(provider_id)) <= present


async def test_new_topic_gives_each_call_its_own_working_topic(
    new_topic: NewTopic, kafka_bootstrap: str
) -> None:
    first = await new_topic("round trip", partitions=2)
    second = await new_topic("round trip")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    consumer = AIOKafkaConsumer(
        first, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    await producer.start()
    await consumer.start()
    try:
        await producer.send_and_wait(first, b"hello", key=b"p-1")
        record = await consumer.getone()
    finally:
        await producer.stop()
        await consumer.stop()

    assert first != second
    assert (record.topic, record.value) == (first, b"hello")


def test_broker_start_on_a_taken_port_names_the_port_and_the_fix(
    tmp_path: Path, kafka_node: KafkaNode
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        config = KafkaConfig(tmp_path, kafka_node.config.libs_dir, taken, free_port())
        node = KafkaNode(config)

        with pytest.raises(StackError) as failure:
            node.start()

    assert f"127.0.0.1:{taken} is already in use" in failure.value.cause
    assert "KETTE_KAFKA_PORT" in failure.value.fix
    assert not node.pid_file.path.exists()
