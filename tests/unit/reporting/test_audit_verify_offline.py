"""`kette audit verify` runs with no stack: no broker, no Temporal, no database client loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kette_core.ids import new_participant_id
from kette_reporting.audit.export import write_period_export
from kette_reporting.audit.signing import generate, load_private
from tests.support.audit_records import history, period_tree

TOPICS = ["kette.access.v1", "kette.chain.v1", "kette.deadletter.v1"]
PROBE = """
import sys
from typer.testing import CliRunner
from kette_reporting.cli import app
result = CliRunner().invoke(app, ["audit", "verify", sys.argv[1], "--public-key", sys.argv[2]])
print(result.output)
stack = ("aiokafka", "temporalio", "sqlalchemy", "asyncpg", "aiosqlite")
print("LOADED:", sorted(name for name in sys.modules if name.split(".")[0] in stack))
sys.exit(result.exit_code)
"""


def test_audit_verify_checks_an_export_with_no_stack_client_loaded_and_no_broker(
    tmp_path: Path,
) -> None:
    private, public = tmp_path / "audit.key", tmp_path / "audit.pub"
    generate(private, public)
    export = tmp_path / "export.jsonl"
    records = history(new_participant_id(), new_participant_id())
    write_period_export(export, period_tree((0, 3), records), TOPICS, load_private(private))
    env = {**os.environ, "KETTE_KAFKA_BOOTSTRAP": "127.0.0.1:9", "COLUMNS": "200"}

    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(export), str(public)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: signature valid" in done.stdout
    assert "LOADED: []" in done.stdout
