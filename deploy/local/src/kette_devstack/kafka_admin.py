"""Topic administration and health probes through aiokafka, the client the services use."""

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kette_devstack.consumer_lag import GroupReading

if TYPE_CHECKING:
    from aiokafka.admin import AIOKafkaAdminClient

# aiokafka is imported inside the functions: it is slow to import and the CLI should be quick.

TOPIC_ALREADY_EXISTS = 36
PROBE_SECONDS = 5.0


@dataclass(frozen=True)
class KafkaConnection:
    """Bootstrap address plus optional SCRAM credentials, as aiokafka keyword arguments."""

    bootstrap: str
    username: str | None = None
    password: str | None = None

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for any aiokafka client (producer, consumer, admin)."""
        if self.username is None:
            return {"bootstrap_servers": self.bootstrap}
        return {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }


@dataclass(frozen=True)
class TopicSpec:
    """A topic to create if missing."""

    name: str
    partitions: int
    configs: dict[str, str]


@asynccontextmanager
async def admin_client(
    conn: KafkaConnection, timeout_ms: int = 10_000
) -> AsyncIterator["AIOKafkaAdminClient"]:
    """A started admin client that is always closed."""
    from aiokafka.admin import AIOKafkaAdminClient

    client = AIOKafkaAdminClient(**conn.client_kwargs(), request_timeout_ms=timeout_ms)
    await client.start()
    try:
        yield client
    finally:
        await client.close()


async def broker_count(conn: KafkaConnection) -> int:
    """Number of brokers in the metadata; raises if the cluster cannot be reached quickly."""
    async with (
        asyncio.timeout(PROBE_SECONDS),
        admin_client(conn, timeout_ms=int(PROBE_SECONDS * 1000)) as admin,
    ):
        cluster = await admin.describe_cluster()
        return len(cluster["brokers"])


async def list_topics(conn: KafkaConnection) -> set[str]:
    """Names of all topics the connecting principal may describe."""
    async with admin_client(conn) as admin:
        return set(await admin.list_topics())


async def ensure_topics(conn: KafkaConnection, specs: Iterable[TopicSpec]) -> list[str]:
    """Create the missing topics; returns the names created."""
    from aiokafka.admin import NewTopic
    from aiokafka.errors import KafkaError

    wanted = list(specs)
    async with admin_client(conn) as admin:
        existing = set(await admin.list_topics())
        missing = [spec for spec in wanted if spec.name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(
            [NewTopic(s.name, s.partitions, 1, topic_configs=s.configs) for s in missing]
        )
    for name, code, message in _topic_errors(response):
        if code not in (0, TOPIC_ALREADY_EXISTS):
            raise KafkaError(f"creating topic {name} failed with error {code}: {message}")
    return [spec.name for spec in missing]


async def delete_topics(conn: KafkaConnection, names: list[str]) -> None:
    """Delete topics, ignoring ones already gone."""
    async with admin_client(conn) as admin:
        await admin.delete_topics(names)


async def topic_configs(conn: KafkaConnection, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """Effective configuration per topic (name -> key -> value)."""
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    async with admin_client(conn) as admin:
        responses = await admin.describe_configs(resources)
    result: dict[str, dict[str, str]] = {}
    for response in responses:
        for _code, _message, _type, name, entries in response.resources:
            result[name] = {entry[0]: entry[1] for entry in entries}
    return result


async def group_readings(
    conn: KafkaConnection, prefixes: tuple[str, ...]
) -> dict[str, GroupReading]:
    """Committed and end offsets of every group named with one of the prefixes; a partition
    the group never committed counts from the log's start (groups start at the earliest)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    async with admin_client(conn) as admin:
        listed = await admin.list_consumer_groups()
        groups = sorted({str(row[0]) for row in listed if str(row[0]).startswith(prefixes)})
        offsets = {group: await admin.list_consumer_group_offsets(group) for group in groups}
        topics = sorted({tp.topic for committed in offsets.values() for tp in committed})
        described = await admin.describe_topics(topics) if topics else []
    partitions = [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    ]
    if not partitions:
        return {}
    reader = AIOKafkaConsumer(**conn.client_kwargs(), enable_auto_commit=False)
    await reader.start()
    try:
        start = await reader.beginning_offsets(partitions)
        end = await reader.end_offsets(partitions)
    finally:
        await reader.stop()
    readings = {}
    for group, committed in offsets.items():
        read = {tp.topic for tp in committed}
        mine = [tp for tp in partitions if tp.topic in read]
        if not mine:
            continue  # its topics were deleted (a test's): nothing can wait for it
        readings[group] = GroupReading(
            committed={
                _name(tp): committed[tp].offset if tp in committed else start[tp] for tp in mine
            },
            end={_name(tp): end[tp] for tp in mine},
        )
    return readings


def _name(partition: Any) -> str:
    return f"{partition.topic}:{partition.partition}"


def _topic_errors(response: Any) -> Iterator[tuple[str, int, str | None]]:
    for error in response.topic_errors:
        name, code = error[0], error[1]
        message = error[2] if len(error) > 2 else None
        yield name, code, message
