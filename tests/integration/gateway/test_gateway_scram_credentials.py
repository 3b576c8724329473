"""Secure mode: an admin rotates a provider's Kafka password and revokes its principal through
the gateway, which runs `kette-stack provider rotate|revoke` against the real broker."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError
from gateway_stack_support import ADMIN_TOKEN, client_of

from kette_devstack import topics
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin import KafkaConnection
from kette_devstack.kafka_security import provider_principal
from kette_provider_gateway.app import build, migrate
from kette_provider_gateway.settings import GatewaySettings

pytestmark = pytest.mark.integration

PROVIDER = "omega"
"""A seed of the secure broker that only this test uses, since it ends revoked."""
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _kette_stack(node: KafkaNode) -> str:
    """`kette-stack provider {action} {provider_id}` aimed at the test's secure broker."""
    config = node.config
    env = {
        "KETTE_STATE_DIR": str(config.state_dir),
        "KETTE_KAFKA_LIBS_DIR": str(config.libs_dir),
        "KETTE_KAFKA_PORT": str(config.port),
        "KETTE_KAFKA_CONTROLLER_PORT": str(config.controller_port),
        "KETTE_KAFKA_SECURITY": "scram",
        "KETTE_SEED_PROVIDERS": json.dumps(list(config.seed_providers)),
    }
    assignments = [shlex.quote(f"{name}={value}") for name, value in env.items()]
    python = shlex.quote(sys.executable)
    return f"env {' '.join(assignments)} {python} -m kette_devstack.cli provider {{action}} " + (
        "{provider_id}"
    )


@pytest.fixture
async def admin_api(secure_kafka: KafkaNode, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway's admin API with its own Kafka login and the stack's credentials tooling."""
    gateway_login = secure_kafka.connection("provider-gateway")
    settings = GatewaySettings.model_validate(
        {
            "kafka_bootstrap": gateway_login.bootstrap,
            "kafka_sasl_mechanism": "SCRAM-SHA-512",
            "kafka_sasl_username": gateway_login.username,
            "kafka_sasl_password": gateway_login.password,
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
            "admin_token": ADMIN_TOKEN,
            "credentials_command": _kette_stack(secure_kafka),
        }
    )
    await migrate(settings.resolved_database_url())
    gateway = build(settings)
    try:
        async with client_of(gateway) as api:
            yield api
    finally:
        await gateway.engine.dispose()


async def _write(connection: KafkaConnection, topic: str) -> None:
    """One record, e.g. a referral the gateway hands out."""
    producer = AIOKafkaProducer(**connection.client_kwargs(), request_timeout_ms=10_000)
    try:
        await producer.start()
        await producer.send_and_wait(topic, uuid.uuid4().bytes, key=b"p-credentials-test")
    finally:
        await producer.stop()


async def _reader(connection: KafkaConnection, topic: str) -> AIOKafkaConsumer:
    """A logged-in consumer on every partition of the topic, from the start, without a group."""
    consumer = AIOKafkaConsumer(**connection.client_kwargs(), request_timeout_ms=10_000)
    await consumer.start()
    consumer.assign([TopicPartition(topic, p) for p in range(topics.DOMAIN_PARTITIONS)])
    await consumer.seek_to_beginning()
    return consumer


async def _reads(consumer: AIOKafkaConsumer) -> bytes | None:
    """The next record; bounded, so a read that should be refused cannot hang the test."""
    async with asyncio.timeout(30):
        record = await consumer.getone()
    return record.value


async def test_rotation_refuses_the_old_password_and_revocation_ends_reading(
    secure_kafka: KafkaNode, admin_api: httpx.AsyncClient
) -> None:
    referrals = topics.referrals_topic(PROVIDER)
    gateway = secure_kafka.connection("provider-gateway")
    principal = provider_principal(PROVIDER)
    added = await admin_api.post(
        "/admin/providers", json={"provider_id": PROVIDER, "name": "Omega"}, headers=ADMIN
    )
    assert added.status_code == 201, added.text
    api_key = added.json()["api_key"]
    await _write(gateway, referrals)
    before = secure_kafka.connection(principal)
    session = await _reader(before, referrals)
    try:
        assert await _reads(session) is not None  # control: the provider reads its referrals

        rotated = await admin_api.post(
            f"/admin/providers/{PROVIDER}/kafka-credentials", headers=ADMIN
        )
        assert rotated.status_code == 200, rotated.text
        assert rotated.json() == {"provider_id": PROVIDER, "principal": principal}
        after = secure_kafka.connection(principal)
        assert after.password != before.password
        with pytest.raises(KafkaConnectionError):
            await _reader(before, referrals)
        await _write(gateway, referrals)
        assert await _reads(session) is not None  # a session opened before lasts till it ends
        fresh = await _reader(after, referrals)
        try:
            assert await _reads(fresh) is not None
        finally:
            await fresh.stop()

        revoked = await admin_api.delete(f"/admin/providers/{PROVIDER}", headers=ADMIN)
        assert revoked.status_code == 204, revoked.text
        assert PROVIDER in secure_kafka.revoked_providers()
        with pytest.raises(KafkaConnectionError):
            await _reader(after, referrals)
        await _write(gateway, referrals)  # the gateway keeps writing the topic...
        with pytest.raises(TopicAuthorizationFailedError):
            await _reads(session)  # ...and a session opened before revocation reads no more
    finally:
        await session.stop()
    key_check = await admin_api.post(
        "/api/reports", json={}, headers={"Authorization": f"Bearer {api_key}"}
    )
    assert key_check.status_code == 401
