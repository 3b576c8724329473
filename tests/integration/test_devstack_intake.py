"""The intake part of the local stack: starts, reports its URL and readiness, keeps its keys."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kette_devstack.health import StartOutcome
from kette_devstack.intake_service import IntakeServer
from kette_devstack.kafka import KafkaNode
from kette_devstack.part import TESTS_OWNER
from kette_devstack.ports import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def intake_part(
    kafka_node: KafkaNode, temporal_address: str, tmp_path: Path
) -> Iterator[IntakeServer]:
    """An intake of its own state dir and port, next to the shared Kafka and Temporal."""
    part = IntakeServer(tmp_path, temporal_address, kafka_node, 60.0, port=free_port())
    try:
        yield part
    finally:
        part.stop()


def test_intake_starts_once_reports_its_url_and_keeps_its_keys_private(
    intake_part: IntakeServer,
) -> None:
    first = intake_part.start(owner=TESTS_OWNER)
    again = intake_part.start(owner=TESTS_OWNER)
    health = intake_part.health()
    keys = intake_part.secrets_file.read_text()
    intake_part.stop()
    restarted = intake_part.start(owner=TESTS_OWNER)

    assert (first, again, restarted) == (
        StartOutcome.STARTED,
        StartOutcome.ALREADY_RUNNING,
        StartOutcome.STARTED,
    )
    assert health.healthy, health.reason
    assert intake_part.url in health.reason
    assert stat.S_IMODE(intake_part.secrets_file.stat().st_mode) == 0o600
    assert intake_part.secrets_file.read_text() == keys  # stored data stays readable


def test_a_stopped_intake_is_reported_unhealthy_with_the_reason(
    intake_part: IntakeServer,
) -> None:
    health = intake_part.health()

    assert not health.healthy
    assert "not running" in health.reason
