"""Session fixtures for real Kafka, Temporal and PostgreSQL, started only when a test asks.

A running `make up` stack is reused; what these fixtures start themselves is stopped at the
end of the session, unless another test session (same checkout) still uses it.
"""

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from temporalio.client import Client

from kette_devstack import kafka_admin
from kette_devstack.errors import StackError
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin import TopicSpec
from kette_devstack.part import Part
from kette_devstack.postgres import PostgresServer
from kette_devstack.settings import StackSettings
from kette_devstack.stack import Stack

NewTopic = Callable[..., Awaitable[str]]


def _slug(text: str, limit: int = 40) -> str:
    """Test names made safe for topic, queue and database names."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit] or "x"


def _unique(hint: str) -> str:
    return f"{_slug(hint)}-{uuid.uuid4().hex[:10]}"


@contextmanager
def _shared(part: Part) -> Iterator[None]:
    """Start or reuse a part for this session; failures read as cause and fix, not a trace."""
    try:
        part.acquire()
    except StackError as exc:
        pytest.fail(f"{part.name}: {exc.cause}\nfix: {exc.fix}", pytrace=False)
    try:
        yield
    finally:
        part.release()


@pytest.fixture(scope="session")
def devstack() -> Stack:
    """The local stack as configured by KETTE_* variables; the test broker is plaintext."""
    return Stack.from_settings(StackSettings(kafka_security="plaintext"))


@pytest.fixture(scope="session")
def kafka_node(devstack: Stack) -> Iterator[KafkaNode]:
    """The running (or freshly started) local broker with the domain topics."""
    with _shared(devstack.kafka):
        yield devstack.kafka


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka_node: KafkaNode) -> str:
    """Bootstrap address of the test broker, e.g. "127.0.0.1:9092"."""
    return kafka_node.bootstrap


@pytest.fixture
async def new_topic(kafka_node: KafkaNode) -> AsyncIterator[NewTopic]:
    """Factory for topics private to one test: `await new_topic("hint", partitions=1)`."""
    created: list[str] = []
    connection = kafka_node.connection()

    async def create(hint: str = "topic", partitions: int = 1) -> str:
        name = f"test.{_unique(hint)}"
        await kafka_admin.ensure_topics(connection, [TopicSpec(name, partitions, {})])
        created.append(name)
        return name

    yield create
    if created:
        await kafka_admin.delete_topics(connection, created)


@pytest.fixture(scope="session")
def temporal_address(devstack: Stack) -> Iterator[str]:
    """Frontend address of the local Temporal dev server (namespace default)."""
    with _shared(devstack.temporal):
        yield devstack.temporal.address


@pytest.fixture(scope="session")
async def temporal_client(temporal_address: str) -> Client:
    """A client on namespace default, shared by the session."""
    return await Client.connect(temporal_address, namespace="default")


@pytest.fixture
def task_queue(request: pytest.FixtureRequest) -> str:
    """A task queue no other test polls."""
    return f"test-{_unique(request.node.name)}"


@pytest.fixture(scope="session")
def postgres_server(devstack: Stack) -> Iterator[PostgresServer]:
    """The test PostgreSQL on 127.0.0.1:5433, started on first use."""
    with _shared(devstack.postgres):
        yield devstack.postgres


@pytest.fixture(scope="session")
def postgres_admin_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL (postgresql+psycopg) of the superuser on the maintenance database."""
    return postgres_server.url()


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Async SQLAlchemy URL of a fresh, empty database; each test runs on both backends."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/test.db"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)
