"""`kette-stack up reporting`: the part starts the service with intake's token secret, probes
it and stops it; the real process refuses figures without a token and sends strangers to login."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kette_core.contracts.vocabulary import ActorRole
from kette_devstack.kafka import KafkaNode
from kette_devstack.part import TESTS_OWNER
from kette_devstack.ports import free_port
from kette_devstack.reporting_service import ReportingServer
from tests.component.reporting.reporting_auth_support import TOKEN_SECRET, bearer

pytestmark = pytest.mark.integration


def _status(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_reporting_part_runs_the_dashboard_behind_intakes_login_until_stopped(
    kafka_node: KafkaNode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETTE_GROUP_ID", f"kette.reporting.test.{tmp_path.name}")  # not the stack's
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "intake.json").write_text(json.dumps({"token_secret": TOKEN_SECRET}))
    part = ReportingServer(tmp_path, kafka_node, start_timeout=90, port=free_port())
    try:
        part.start(owner=TESTS_OWNER)
        health = part.health()
        login = _status(f"{part.url}/dashboard")  # urllib follows the redirect
        stranger = _status(f"{part.url}/figures?period=2025")
        coordinator = _status(f"{part.url}/figures?period=2025", bearer(ActorRole.COORDINATOR))
        caseworker = _status(f"{part.url}/figures?period=2025", bearer(ActorRole.CASEWORKER))
    finally:
        stopped = part.stop()

    assert health.healthy, health.reason
    assert login[0] == 200 and '<label for="f-password">Passwort</label>' in login[1]
    assert stranger[0] == 401 and "a bearer token is required" in stranger[1]
    assert coordinator[0] == 200 and json.loads(coordinator[1])["period"]
    assert caseworker[0] == 403
    assert (tmp_path / "data" / "reporting.db").is_file()
    assert stopped and not part.is_running()
