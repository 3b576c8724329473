"""Fixtures shared by the integration tests of the stack itself."""

from collections.abc import Awaitable, Callable, Iterator

import pytest

from kette_devstack.kafka import KafkaConfig, KafkaNode
from kette_devstack.part import TESTS_OWNER
from kette_devstack.ports import free_port
from kette_devstack.scenario.player import ScenarioSettings
from kette_devstack.settings import StackSettings


@pytest.fixture(scope="session")
def secure_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaNode]:
    """A second broker in SCRAM mode on its own ports and state dir, started once a session."""
    config = KafkaConfig(
        state_dir=tmp_path_factory.mktemp("secure-stack"),
        libs_dir=StackSettings().kafka_libs_dir,
        port=free_port(),
        controller_port=free_port(),
        security="scram",
        seed_providers=("alpha", "beta", "omega"),  # omega: revoked by the credentials test
    )
    node = KafkaNode(config)
    node.start(owner=TESTS_OWNER)
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
async def chain_settings(
    kafka_bootstrap: str,
    temporal_address: str,
    new_topic: Callable[..., Awaitable[str]],
    task_queue: str,
) -> ScenarioSettings:
    """The chain's settings on topics and a task queue no other test uses (worker, bridge)."""
    return ScenarioSettings(
        kafka_bootstrap=kafka_bootstrap,
        temporal_address=temporal_address,
        task_queue=task_queue,
        bridge_group_id=f"kette.workflows.bridge.{task_queue}",
        participants_topic=await new_topic("participants"),
        matching_topic=await new_topic("matching"),
        provider_status_topic=await new_topic("provider-status"),
        chain_topic=await new_topic("chain"),
        deadletter_topic=await new_topic("deadletter"),
        pace_seconds=0,
    )
