"""`kette-stack` as a developer uses it: idempotent up, honest status, one-line failures."""

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kette_devstack.ports import free_port
from kette_devstack.process import pid_alive

pytestmark = pytest.mark.integration
KETTE_STACK = str(Path(sys.executable).parent / "kette-stack")


class StackCli:
    """Runs kette-stack against a private state dir and private ports."""

    def __init__(self, state_dir: Path, **ports: int) -> None:
        self.state_dir = state_dir
        self.env = {**os.environ, "KETTE_STATE_DIR": str(state_dir), "COLUMNS": "200"}
        self.env.update({f"KETTE_{name.upper()}": str(port) for name, port in ports.items()})

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KETTE_STACK, *args], capture_output=True, text=True, env=self.env, timeout=180
        )

    def pid(self, part: str) -> int:
        record = json.loads((self.state_dir / "run" / f"{part}.json").read_text())
        return int(record["pid"])


def _private_temporal(state_dir: Path) -> StackCli:
    """Temporal is the quickest real part, so it stands in for any part here."""
    return StackCli(state_dir, temporal_port=free_port(), temporal_ui_port=free_port())


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackCli]:
    """One private Temporal started by `kette-stack up`, shared by the read-only tests."""
    stack = _private_temporal(tmp_path_factory.mktemp("cli-stack"))
    started = stack("up", "temporal")
    assert started.returncode == 0, started.stderr
    assert "temporal started" in started.stdout
    try:
        yield stack
    finally:
        stack("down")


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[StackCli]:
    """A private, not yet started stack that is always taken down afterwards."""
    stack = _private_temporal(tmp_path)
    try:
        yield stack
    finally:
        stack("down")


def test_second_up_finds_the_part_running_and_says_so(running: StackCli) -> None:
    pid = running.pid("temporal")

    second = running("up", "temporal")

    assert second.returncode == 0, second.stderr
    assert "temporal already running" in second.stdout
    assert running.pid("temporal") == pid


def test_status_shows_running_part_healthy_and_stopped_parts_with_reason(
    running: StackCli,
) -> None:
    status = running("status")

    rows = {line.split("│")[1].strip(): line for line in status.stdout.splitlines() if "│" in line}
    assert status.returncode == 0
    assert "healthy" in rows["temporal"] and "serving" in rows["temporal"]
    assert "stopped" in rows["kafka"] and "not running (no pid file)" in rows["kafka"]


def test_status_reports_a_killed_part_unhealthy_with_the_reason(cli: StackCli) -> None:
    cli("up", "temporal")
    pid = cli.pid("temporal")
    os.kill(pid, signal.SIGKILL)

    status = cli("status", "--check")

    assert status.returncode == 1
    assert f"pid {pid} from the pid file is not alive" in status.stdout


def test_down_stops_what_up_started(cli: StackCli) -> None:
    cli("up", "temporal")
    pid = cli.pid("temporal")

    down = cli("down")

    assert down.returncode == 0
    assert "temporal stopped" in down.stdout
    assert not pid_alive(pid)
    assert not (cli.state_dir / "run" / "temporal.json").exists()


def test_down_leaves_alone_a_process_that_reused_the_recorded_pid(cli: StackCli) -> None:
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        record = {"pid": bystander.pid, "marker": "temporal.db", "owner": "cli", "mode": ""}
        (cli.state_dir / "run").mkdir(parents=True)
        (cli.state_dir / "run" / "temporal.json").write_text(json.dumps(record))

        status = cli("status")
        down = cli("down")

        assert f"pid {bystander.pid} now belongs to another program" in status.stdout
        assert "temporal not running" in down.stdout
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_taken_port_fails_with_one_line_cause_and_one_line_fix(cli: StackCli) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(cli.env["KETTE_TEMPORAL_PORT"])))
        squatter.listen()

        result = cli("up", "temporal")

    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert len(lines) == 2
    assert lines[0].startswith("error: Temporal cannot start: frontend port 127.0.0.1:")
    assert "already in use" in lines[0]
    assert lines[1].startswith("fix:") and "KETTE_TEMPORAL_PORT" in lines[1]


def test_part_crashing_at_start_reports_the_cause_from_its_log(cli: StackCli) -> None:
    (cli.state_dir / "temporal" / "temporal.db").mkdir(parents=True)  # unusable database

    result = cli("up", "temporal")

    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert lines[0].startswith("error: temporal exited during start:")
    assert "database" in lines[0]
    assert lines[1].startswith("fix:") and "temporal.log" in lines[1]
    assert not (cli.state_dir / "run" / "temporal.json").exists()
