"""`kette-stack up reporting`: the part starts the service, probes it and stops it."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from kette_devstack.kafka import KafkaNode
from kette_devstack.part import TESTS_OWNER
from kette_devstack.ports import free_port
from kette_devstack.reporting_service import ReportingServer

pytestmark = pytest.mark.integration


def test_the_reporting_part_runs_the_dashboard_healthy_until_stopped(
    kafka_node: KafkaNode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETTE_GROUP_ID", f"kette.reporting.test.{tmp_path.name}")  # not the stack's
    part = ReportingServer(tmp_path, kafka_node, start_timeout=90, port=free_port())
    try:
        part.start(owner=TESTS_OWNER)
        health = part.health()
        with urllib.request.urlopen(f"{part.url}/dashboard", timeout=10) as answer:
            page = answer.read().decode()
    finally:
        stopped = part.stop()

    assert health.healthy, health.reason
    assert "Integrationskette – Übersicht für die Koordination" in page
    assert (tmp_path / "data" / "reporting.db").is_file()
    assert stopped and not part.is_running()
