"""A part's log stays JSON and bounded: repeated failures once per window, rotation by size."""

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kette_devstack.ports import free_port
from kette_devstack.process import pid_alive, spawn

pytestmark = pytest.mark.integration

FLOOD = Path(__file__).with_name("devstack_log_flood.py")
MAX_BYTES = 10_000


def _run_to_end(argv: list[str], log: Path, last_line: str) -> None:
    """Run argv as the stack runs a part and wait until the pump wrote its last line."""
    pid = spawn(argv, log)
    for _ in range(600):
        if not pid_alive(pid) and log.is_file() and last_line in log.read_text():
            return
        time.sleep(0.1)
    pytest.fail(f"{last_line!r} never reached {log}")


def _records(*logs: Path) -> list[dict[str, Any]]:
    """Every line parsed as JSON: a plain-text line fails the test here."""
    return [json.loads(line) for log in logs for line in log.read_text().splitlines()]


def test_a_part_failing_to_reach_kafka_and_temporal_logs_a_few_json_lines(
    tmp_path: Path,
) -> None:
    log = tmp_path / "workflows.log"
    argv = [sys.executable, str(FLOOD), str(free_port()), "200", "3600"]

    _run_to_end(argv, log, "flood.done")

    records = _records(log)
    assert records[-1]["attempts"] == 200
    assert len(records) <= 6  # 400 failures and their library lines, each kind once


def test_a_parts_log_rotates_by_size_and_keeps_whole_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETTE_LOG_MAX_BYTES", str(MAX_BYTES))
    monkeypatch.setenv("KETTE_LOG_BACKUPS", "2")
    log = tmp_path / "kafka.log"
    script = "import json\nfor n in range(5000): print(json.dumps({'n': n, 'pad': 'x' * 60}))"

    _run_to_end([sys.executable, "-c", script], log, '"n": 4999')

    logs = sorted(tmp_path.glob("kafka.log*"))
    assert [path.name for path in logs] == ["kafka.log", "kafka.log.1", "kafka.log.2"]
    assert all(path.stat().st_size <= MAX_BYTES for path in logs)
    numbers = [record["n"] for record in _records(*reversed(logs))]
    assert numbers == list(range(numbers[0], 5000))
