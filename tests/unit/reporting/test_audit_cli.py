"""The `kette audit` command line on files: keygen, verify and its exit codes, via CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kette_core.ids import new_participant_id
from kette_reporting.audit.export import write_participant_export, write_period_export
from kette_reporting.audit.signing import load_private
from kette_reporting.cli import app
from tests.support.audit_records import history, period_tree

runner = CliRunner()
TOPICS = ["kette.access.v1", "kette.chain.v1", "kette.deadletter.v1"]
ALICE = new_participant_id()
RECORDS = history(ALICE, new_participant_id())


def keygen_args(private: Path, public: Path) -> list[str]:
    return ["audit", "keygen", "--private", str(private), "--public", str(public)]


def keys(tmp_path: Path, name: str = "audit") -> tuple[Path, Path]:
    private, public = tmp_path / f"{name}.key", tmp_path / f"{name}.pub"
    result = runner.invoke(app, keygen_args(private, public))
    assert result.exit_code == 0, result.output
    return private, public


def period_export(
    tmp_path: Path, private: Path, name: str = "export.jsonl", days: tuple[int, int] = (0, 3)
) -> Path:
    path = tmp_path / name
    write_period_export(path, period_tree(days, RECORDS), TOPICS, load_private(private))
    return path


def test_audit_keygen_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    private, public = keys(tmp_path)
    assert private.stat().st_mode & 0o777 == 0o600
    assert b"PUBLIC KEY" in public.read_bytes()


def test_audit_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    private, public = keys(tmp_path)
    before = private.read_bytes()
    result = runner.invoke(app, keygen_args(private, public))
    assert result.exit_code == 2
    assert "never overwritten" in result.output
    assert private.read_bytes() == before


def test_audit_verify_says_ok_and_lists_kept_records_with_reasons(tmp_path: Path) -> None:
    private, public = keys(tmp_path)
    path = period_export(tmp_path, private)

    result = runner.invoke(app, ["audit", "verify", str(path), "--public-key", str(public)])

    assert result.exit_code == 0, result.output
    assert "OK: signature valid" in result.output
    assert "dead_letter" in result.output and "newer_version" in result.output


def test_audit_verify_names_a_changed_record_and_exits_1(tmp_path: Path) -> None:
    private, public = keys(tmp_path)
    path = period_export(tmp_path, private)
    content = path.read_text().splitlines()
    record_line = json.loads(content[2])
    record_line["record"]["partition"] = 7
    content[2] = json.dumps(record_line)
    path.write_text("\n".join(content) + "\n")

    result = runner.invoke(app, ["audit", "verify", str(path), "--public-key", str(public)])

    assert result.exit_code == 1
    assert f"FAILED changed: position {record_line['position']}" in result.output


def test_audit_verify_with_another_key_names_the_key(tmp_path: Path) -> None:
    private, _ = keys(tmp_path)
    _, stranger = keys(tmp_path, "stranger")
    path = period_export(tmp_path, private)

    result = runner.invoke(app, ["audit", "verify", str(path), "--public-key", str(stranger)])

    assert result.exit_code == 1
    assert "FAILED key: signed by key" in result.output
    assert "FAILED signature" in result.output


def test_audit_verify_of_a_participant_export_checks_its_proofs(tmp_path: Path) -> None:
    private, public = keys(tmp_path)
    path = tmp_path / "alice.jsonl"
    write_participant_export(
        path, period_tree((0, 3), RECORDS), TOPICS, load_private(private), ALICE
    )

    result = runner.invoke(app, ["audit", "verify", str(path), "--public-key", str(public)])

    assert result.exit_code == 0, result.output
    assert "participant export" in result.output


def test_audit_verify_of_a_file_that_is_no_export_names_the_line(tmp_path: Path) -> None:
    _, public = keys(tmp_path)
    path = tmp_path / "junk.jsonl"
    path.write_text("{not json\n")

    result = runner.invoke(app, ["audit", "verify", str(path), "--public-key", str(public)])

    assert result.exit_code == 2
    assert "line 1: not JSON" in result.output


def test_audit_export_refuses_a_period_it_cannot_read(tmp_path: Path) -> None:
    private, _ = keys(tmp_path)
    out = tmp_path / "x.jsonl"
    args = ["audit", "export", "--period", "2026-Q5", "--key", str(private), "--out", str(out)]

    result = runner.invoke(app, args)

    assert result.exit_code == 2
    assert "period" in result.output
    assert not out.exists()


def test_audit_verify_against_an_overlapping_export_says_consistent(tmp_path: Path) -> None:
    private, public = keys(tmp_path)
    older = period_export(tmp_path, private, "older.jsonl", (0, 2))
    newer = period_export(tmp_path, private, "newer.jsonl", (1, 3))
    args = ["audit", "verify", str(newer), "--public-key", str(public), "--against", str(older)]

    result = runner.invoke(app, args)

    assert result.exit_code == 0, result.output
    assert "are consistent" in result.output


def test_audit_verify_against_an_export_of_another_history_fails(tmp_path: Path) -> None:
    private, public = keys(tmp_path)
    older = period_export(tmp_path, private, "older.jsonl", (0, 2))
    stranger = tmp_path / "stranger.jsonl"  # other participants, so other records
    others = history(new_participant_id(), new_participant_id())
    write_period_export(stranger, period_tree((0, 3), others), TOPICS, load_private(private))
    args = ["audit", "verify", str(stranger), "--public-key", str(public), "--against", str(older)]

    result = runner.invoke(app, args)

    assert result.exit_code == 1
    assert "FAILED inconsistent" in result.output


def test_audit_export_refuses_a_consistency_proof_for_a_participant(tmp_path: Path) -> None:
    private, _ = keys(tmp_path)
    older = period_export(tmp_path, private, "older.jsonl", (0, 2))
    args = ["audit", "export", "--period", "2026-01", "--key", str(private), "--out", "x.jsonl"]
    args += ["--participant", "p-12345678", "--consistent-with", str(older)]

    result = runner.invoke(app, args)

    assert result.exit_code == 2
    assert "whole period" in result.output
