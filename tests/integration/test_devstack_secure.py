"""Secure mode: SCRAM principals and ACLs keep each provider to its own topics."""

import asyncio
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from kette_devstack import topics
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin import KafkaConnection
from kette_devstack.kafka_security import provider_principal

pytestmark = pytest.mark.integration


async def _produce(connection: KafkaConnection, topic: str, value: bytes) -> None:
    producer = AIOKafkaProducer(**connection.client_kwargs(), request_timeout_ms=10_000)
    try:
        await producer.start()
        await producer.send_and_wait(topic, value, key=b"participant-1")
    finally:
        await producer.stop()


async def _consume_one(connection: KafkaConnection, topic: str, group: str) -> bytes:
    consumer = AIOKafkaConsumer(
        topic, **connection.client_kwargs(), group_id=group, auto_offset_reset="earliest"
    )
    try:
        async with asyncio.timeout(30):  # a bound, so a wrongly allowed read fails fast
            await consumer.start()
            record = await consumer.getone()
    finally:
        await consumer.stop()
    value: bytes | None = record.value
    assert value is not None
    return value


async def test_provider_reads_the_referrals_the_gateway_wrote_for_it(
    secure_kafka: KafkaNode,
) -> None:
    referrals = topics.referrals_topic("alpha")
    await _produce(secure_kafka.connection("provider-gateway"), referrals, b"referral-1")

    alpha = secure_kafka.connection(provider_principal("alpha"))
    value = await _consume_one(alpha, referrals, group="provider.alpha.inbox")

    assert value == b"referral-1"


async def test_provider_is_denied_another_providers_referrals(secure_kafka: KafkaNode) -> None:
    alpha = secure_kafka.connection(provider_principal("alpha"))

    with pytest.raises(TopicAuthorizationFailedError):
        await _consume_one(alpha, topics.referrals_topic("beta"), group="provider.alpha.inbox")


async def test_provider_is_denied_writing_a_domain_topic(secure_kafka: KafkaNode) -> None:
    alpha = secure_kafka.connection(provider_principal("alpha"))

    with pytest.raises(TopicAuthorizationFailedError):
        await _produce(alpha, topics.CHAIN, b"forged stage change")


async def test_provider_writes_its_own_reports_and_the_gateway_reads_them(
    secure_kafka: KafkaNode,
) -> None:
    reports = topics.reports_topic("beta")
    await _produce(secure_kafka.connection(provider_principal("beta")), reports, b"enrolled")

    gateway = secure_kafka.connection("provider-gateway")
    value = await _consume_one(gateway, reports, group="kette.provider-gateway.reports")

    assert value == b"enrolled"


async def test_service_may_write_only_the_topics_design_gives_it(secure_kafka: KafkaNode) -> None:
    intake = secure_kafka.connection("intake")
    await _produce(intake, topics.PARTICIPANTS, b"registered")

    with pytest.raises(TopicAuthorizationFailedError):
        await _produce(intake, topics.CHAIN, b"not intake's topic")


async def test_provider_added_later_gets_a_principal_limited_to_its_topics(
    secure_kafka: KafkaNode,
) -> None:
    secure_kafka.add_provider("gamma")
    gamma = secure_kafka.connection(provider_principal("gamma"))

    await _produce(gamma, topics.reports_topic("gamma"), b"attended")
    with pytest.raises(TopicAuthorizationFailedError):
        await _produce(gamma, topics.reports_topic("alpha"), b"someone else's report")


async def test_wrong_password_and_anonymous_clients_cannot_connect(
    secure_kafka: KafkaNode,
) -> None:
    alpha = secure_kafka.connection(provider_principal("alpha"))
    impostor = KafkaConnection(secure_kafka.bootstrap, alpha.username, "guess")
    anonymous = KafkaConnection(secure_kafka.bootstrap)

    await _produce(alpha, topics.reports_topic("alpha"), b"control: right password works")
    for connection in (impostor, anonymous):
        with pytest.raises(KafkaConnectionError):
            await _produce(connection, topics.reports_topic("alpha"), b"x")


def test_credentials_stay_in_a_private_file_under_the_state_dir(secure_kafka: KafkaNode) -> None:
    path: Path = secure_kafka.credentials.path

    assert path.is_relative_to(secure_kafka.config.state_dir)
    assert path.stat().st_mode & 0o077 == 0
    assert provider_principal("alpha") in secure_kafka.credentials.all()


async def test_provider_cannot_join_the_consumer_groups_of_a_similarly_named_provider(
    secure_kafka: KafkaNode,
) -> None:
    secure_kafka.add_provider("alpha-2")
    alpha = secure_kafka.connection(provider_principal("alpha"))

    with pytest.raises(GroupAuthorizationFailedError):
        await _consume_one(alpha, topics.referrals_topic("alpha"), group="provider.alpha-2.inbox")
