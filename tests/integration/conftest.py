"""Fixtures shared by the integration tests of the stack itself."""

from collections.abc import Iterator

import pytest

from kette_devstack.kafka import KafkaConfig, KafkaNode
from kette_devstack.part import TESTS_OWNER
from kette_devstack.ports import free_port
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
