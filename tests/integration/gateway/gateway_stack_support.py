"""The gateway in-process on the real broker, with a provider and topics of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kette_devstack import kafka_admin
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin import TopicSpec
from kette_devstack.scenario.player import ScenarioSettings
from kette_provider_gateway.app import Gateway, build, create_app, start, stop
from kette_provider_gateway.settings import GatewaySettings

ADMIN_TOKEN = "integration-admin-token"


@dataclass
class ProviderTopics:
    """A provider id no other test uses, and its two topics on the broker."""

    provider_id: str
    referrals: str
    reports: str

    @classmethod
    def fresh(cls) -> ProviderTopics:
        provider_id = f"t{uuid.uuid4().hex[:12]}"
        return cls(
            provider_id,
            f"provider.{provider_id}.referrals.v1",
            f"provider.{provider_id}.reports.v1",
        )


async def provider_topics(kafka_node: KafkaNode) -> AsyncIterator[ProviderTopics]:
    """Created as the operator would (three partitions), deleted afterwards."""
    made = ProviderTopics.fresh()
    connection = kafka_node.connection()
    names = [made.referrals, made.reports]
    await kafka_admin.ensure_topics(connection, [TopicSpec(name, 3, {}) for name in names])
    try:
        yield made
    finally:
        await kafka_admin.delete_topics(connection, names)


def on_chain(chain: ScenarioSettings, tmp_path: Path, **more: Any) -> GatewaySettings:
    """The gateway on a private chain's topics, with groups named after its task queue."""
    return GatewaySettings(
        kafka_bootstrap=chain.kafka_bootstrap,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
        chain_topic=chain.chain_topic,
        provider_status_topic=chain.provider_status_topic,
        deadletter_topic=chain.deadletter_topic,
        group_id=f"kette.provider-gateway.{chain.task_queue}",
        reports_group_id=f"kette.provider-gateway.{chain.task_queue}-reports",
        admin_token=ADMIN_TOKEN,
        **more,
    )


def client_of(gateway: Gateway) -> httpx.AsyncClient:
    """HTTP into the app; the test runs its lifespan itself with start/stop."""
    transport = httpx.ASGITransport(app=create_app(gateway))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


def forget_groups(bootstrap: str, prefix: str) -> None:
    """Delete a test's consumer groups, so `kette-stack status` does not list them as stalled
    once the test's consumers are gone (aiokafka's admin client cannot delete groups)."""
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": bootstrap})
    listed = admin.list_consumer_groups().result(timeout=10).valid
    mine = [group.group_id for group in listed if group.group_id.startswith(prefix)]
    for future in admin.delete_consumer_groups(mine).values() if mine else ():
        future.result(timeout=10)


async def running_gateway(
    kafka_bootstrap: str,
    new_topic: Callable[..., Awaitable[str]],
    database_url: str,
) -> AsyncIterator[Gateway]:
    """The gateway with its real provisioner (which checks the topics exist) and broker, on
    topics and consumer groups of its own; the groups are deleted afterwards."""
    run = uuid.uuid4().hex[:8]
    settings = GatewaySettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=database_url,
        chain_topic=await new_topic("chain", partitions=3),
        provider_status_topic=await new_topic("provider-status", partitions=3),
        deadletter_topic=await new_topic("deadletter"),
        group_id=f"kette.provider-gateway.test-{run}",
        reports_group_id=f"kette.provider-gateway.test-{run}-reports",
        admin_token=ADMIN_TOKEN,
        provider_poll_seconds=0.2,
    )
    made = build(settings)
    await start(made)
    try:
        yield made
    finally:
        await stop(made)
        forget_groups(kafka_bootstrap, f"kette.provider-gateway.test-{run}")
