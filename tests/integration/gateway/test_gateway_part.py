"""`kette-stack up gateway`: the part starts the service, probes it, guards its admin API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from gateway_stack_support import forget_groups

from kette_devstack.gateway_service import GatewayServer
from kette_devstack.kafka import KafkaNode
from kette_devstack.part import TESTS_OWNER
from kette_devstack.ports import free_port

pytestmark = pytest.mark.integration


def _status(url: str, token: str | None = None) -> int:
    """HTTP status of a GET, with the admin token if given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_gateway_part_runs_healthy_with_a_private_admin_token_until_stopped(
    kafka_node: KafkaNode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = uuid.uuid4().hex[:8]  # groups of its own: the dev stack's gateway keeps its offsets
    monkeypatch.setenv("KETTE_GROUP_ID", f"kette.provider-gateway.part-test-{run}")
    monkeypatch.setenv("KETTE_REPORTS_GROUP_ID", f"kette.provider-gateway.part-test-{run}-r")
    part = GatewayServer(tmp_path, kafka_node, start_timeout=90, port=free_port())
    try:
        part.start(owner=TESTS_OWNER)
        health = part.health()
        token = part.admin_token_file.read_text().strip()
        with urllib.request.urlopen(f"{part.url}/openapi.json", timeout=5) as answer:
            paths = set(json.load(answer)["paths"])
        with_token = _status(f"{part.url}/admin/providers", token)
        without = _status(f"{part.url}/admin/providers")
    finally:
        stopped = part.stop()
        forget_groups(kafka_node.bootstrap, f"kette.provider-gateway.part-test-{run}")

    assert health.healthy, health.reason
    assert {"/api/reports", "/admin/providers", "/readyz", "/metrics"} <= paths
    assert (with_token, without) == (200, 401)
    assert part.admin_token_file.stat().st_mode & 0o077 == 0
    assert (tmp_path / "data" / "provider-gateway.db").is_file()
    assert stopped and not part.is_running()
