"""`kette-stack up matching`: the part starts the seeded service, probes it and stops it."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from kette_devstack.health import StartOutcome
from kette_devstack.kafka import KafkaNode
from kette_devstack.matching_service import MatchingServer
from kette_devstack.part import TESTS_OWNER
from kette_devstack.ports import free_port

pytestmark = pytest.mark.integration


def test_the_matching_part_runs_a_seeded_service_healthy_until_stopped(
    kafka_node: KafkaNode, tmp_path: Path
) -> None:
    part = MatchingServer(tmp_path, kafka_node, start_timeout=90, port=free_port())
    try:
        part.start(owner=TESTS_OWNER)
        health = part.health()
        with urllib.request.urlopen(f"{part.url}/offers?module=F6", timeout=5) as answer:
            offers = json.load(answer)
    finally:
        stopped = part.stop()

    assert health.healthy, health.reason
    assert part.url in health.reason
    assert {offer["module"] for offer in offers} == {"F6"} and len(offers) >= 1
    assert (tmp_path / "data" / "matching.db").is_file()
    assert (tmp_path / "data" / "matching.answers-since").read_text().startswith("20")
    assert stopped and not part.is_running()
    assert not part.health().healthy


class ChangedCode(MatchingServer):
    """The same part after an edit to matching's code."""

    @property
    def mode(self) -> str:
        return "code-changed"


def test_a_matching_service_running_older_code_is_restarted_not_reused(
    kafka_node: KafkaNode, tmp_path: Path
) -> None:
    port = free_port()
    before = MatchingServer(tmp_path, kafka_node, start_timeout=90, port=port)
    after = ChangedCode(tmp_path, kafka_node, start_timeout=90, port=port)
    try:
        before.start(owner=TESTS_OWNER)
        first = before.pid_file.live_record()
        outcome = after.start(owner=TESTS_OWNER)
        second = after.pid_file.live_record()
    finally:
        after.stop()

    assert first is not None and second is not None
    assert outcome == StartOutcome.STARTED
    assert second.pid != first.pid and second.mode == "code-changed"
