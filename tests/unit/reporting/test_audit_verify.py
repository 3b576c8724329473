"""Tamper tests: the offline verifier names the first changed, removed, inserted or moved record."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kette_core.ids import new_participant_id
from kette_reporting.audit.canonical import AuditRecord
from kette_reporting.audit.export import write_participant_export, write_period_export
from kette_reporting.audit.exportfile import read_export
from kette_reporting.audit.history import PeriodTree
from kette_reporting.audit.signing import key_id, sign
from kette_reporting.audit.verify import Verification, verify_export, verify_pair
from tests.support.audit_records import START, as_audit, history, period_tree, stage_started

TOPICS = ["kette.access.v1", "kette.chain.v1", "kette.deadletter.v1"]
KEY = Ed25519PrivateKey.generate()
ALICE, BOB = new_participant_id(), new_participant_id()
RECORDS = history(ALICE, BOB)


def built(days: tuple[int, int], records: list[AuditRecord] = RECORDS) -> PeriodTree:
    return period_tree(days, records)


def export(tmp_path: Path, name: str = "full.jsonl", days: tuple[int, int] = (0, 3)) -> Path:
    path = tmp_path / name
    write_period_export(path, built(days), TOPICS, KEY)
    return path


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(text) for text in path.read_text().splitlines()]


def rewrite(path: Path, content: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(line) + "\n" for line in content))


def check(path: Path) -> Verification:
    return verify_export(read_export(path), KEY.public_key())


def only(result: Verification) -> tuple[str, int | None, str | None]:
    assert len(result.findings) == 1, result.findings
    finding = result.findings[0]
    return finding.problem, finding.position, finding.where


def test_audit_an_untouched_export_verifies(tmp_path: Path) -> None:
    result = check(export(tmp_path))
    assert result.ok
    assert result.records == len(RECORDS)


def test_audit_a_changed_record_is_named_by_position_and_offset(tmp_path: Path) -> None:
    path = export(tmp_path)
    content = lines(path)
    target = [line for line in content[2:] if "language" in str(line["record"]["value"])][2]
    target["record"]["value"] = target["record"]["value"].replace("language", "school")
    rewrite(path, content)

    where = (
        f"{target['record']['topic']}/{target['record']['partition']}@{target['record']['offset']}"
    )
    assert only(check(path)) == ("changed", target["position"], where)


def test_audit_a_dropped_record_is_named(tmp_path: Path) -> None:
    path = export(tmp_path)
    content = lines(path)
    dropped = content.pop(4)
    rewrite(path, content)

    record = dropped["record"]
    where = f"{record['topic']}/{record['partition']}@{record['offset']}"
    assert only(check(path)) == ("removed", dropped["position"], where)


def test_audit_a_dropped_last_record_is_named(tmp_path: Path) -> None:
    path = export(tmp_path)
    content = lines(path)
    dropped = content.pop()
    rewrite(path, content)

    assert only(check(path))[:2] == ("removed", dropped["position"])


def test_audit_an_inserted_record_is_named(tmp_path: Path) -> None:
    path = export(tmp_path)
    content = lines(path)
    forged = as_audit(stage_started(ALICE, START + timedelta(hours=10)), 0, 99)
    position = content[4]["position"]
    content.insert(4, {"position": position, "record": forged.to_json()})
    rewrite(path, content)

    assert only(check(path)) == ("inserted", position, "kette.chain.v1/0@99")


def test_audit_two_swapped_records_are_named_as_reordered(tmp_path: Path) -> None:
    path = export(tmp_path)
    content = lines(path)
    content[3], content[6] = content[6], content[3]
    rewrite(path, content)

    problem, position, _ = only(check(path))
    assert (problem, position) == ("reordered", content[6]["position"])


def test_audit_a_head_resigned_with_another_key_is_named(tmp_path: Path) -> None:
    path = export(tmp_path)
    content = lines(path)
    other = Ed25519PrivateKey.generate()
    content[0]["signature"] = sign(other, content[0]["head"])
    content[0]["key_id"] = key_id(other.public_key())
    rewrite(path, content)

    problems = [finding.problem for finding in check(path).findings]
    assert problems == ["key", "signature"]


def test_audit_a_changed_tree_head_breaks_the_signature(tmp_path: Path) -> None:
    path = export(tmp_path)
    content = lines(path)
    content[0]["head"]["records"] += 1
    rewrite(path, content)

    assert "signature" in [finding.problem for finding in check(path).findings]


def test_audit_a_changed_index_is_reported_without_trusting_it(tmp_path: Path) -> None:
    path = export(tmp_path)
    content = lines(path)
    index = content[1]["index"]
    middle = len(index) // 2
    content[1]["index"] = (
        index[:middle] + ("B" if index[middle] == "A" else "A") + index[middle + 1 :]
    )
    rewrite(path, content)

    assert [finding.problem for finding in check(path).findings] == ["index"]


def test_audit_dead_letters_unknown_and_invalid_records_are_kept_with_reasons(
    tmp_path: Path,
) -> None:
    result = check(export(tmp_path))

    kinds = {note.reading.kind: note.reading.reason or "" for note in result.notes}
    assert set(kinds) == {"dead_letter", "newer_version", "invalid"}
    assert "rejected by bridge" in kinds["dead_letter"]
    assert "kette.chain.stage_started.v2" in kinds["newer_version"]
    assert kinds["invalid"]


def test_audit_a_participant_export_holds_only_their_records_and_verifies(
    tmp_path: Path,
) -> None:
    path = tmp_path / "alice.jsonl"
    written = write_participant_export(path, built((0, 3)), TOPICS, KEY, ALICE)
    text = path.read_text()

    assert written.records == sum(1 for record in RECORDS if record.subject == ALICE)
    assert BOB not in text
    assert check(path).ok


def participant_export(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    path = tmp_path / "alice.jsonl"
    write_participant_export(path, built((0, 3)), TOPICS, KEY, ALICE)
    return path, lines(path)


def test_audit_a_changed_participant_record_fails_its_inclusion_proof(tmp_path: Path) -> None:
    path, content = participant_export(tmp_path)
    content[2]["record"]["headers"][0][1] = "forged"
    rewrite(path, content)

    assert only(check(path))[:2] == ("changed", content[2]["position"])


def test_audit_a_dropped_participant_record_is_named(tmp_path: Path) -> None:
    path, content = participant_export(tmp_path)
    dropped = content.pop(2)
    rewrite(path, content)

    assert only(check(path))[:2] == ("removed", dropped["position"])


def test_audit_another_persons_record_in_a_participant_export_is_named(tmp_path: Path) -> None:
    path, content = participant_export(tmp_path)
    bobs = next(record for record in RECORDS if record.subject == BOB)
    content.insert(2, {"position": 0, "record": bobs.to_json(), "proof": []})
    rewrite(path, content)

    assert only(check(path))[0] == "not_participant"


@pytest.mark.parametrize("embedded", [True, False], ids=["proof", "recomputed"])
def test_audit_overlapping_periods_are_consistent(tmp_path: Path, embedded: bool) -> None:
    older = export(tmp_path, "older.jsonl", days=(0, 2))
    newer = tmp_path / "newer.jsonl"
    write_period_export(newer, built((1, 3)), TOPICS, KEY, read_export(older) if embedded else None)

    result = verify_pair(read_export(older), read_export(newer), KEY.public_key())
    assert result.ok, result.findings


def test_audit_a_history_changed_between_two_exports_is_named(tmp_path: Path) -> None:
    older = export(tmp_path, "older.jsonl", days=(0, 2))
    late = as_audit(stage_started(BOB, START + timedelta(days=1, hours=1)), 2, 0)
    newer = tmp_path / "newer.jsonl"
    write_period_export(newer, built((1, 3), [*RECORDS, late]), TOPICS, KEY, read_export(older))

    result = verify_pair(read_export(older), read_export(newer), KEY.public_key())
    problem, _, _ = only(result)
    assert problem == "inconsistent"
    assert "kette.chain.v1/2@0" in result.findings[0].message


def test_audit_swapped_participant_records_are_named_as_reordered(tmp_path: Path) -> None:
    path, content = participant_export(tmp_path)
    content[2], content[3] = content[3], content[2]
    rewrite(path, content)

    assert only(check(path))[:2] == ("reordered", content[3]["position"])


def test_audit_a_participant_record_at_a_position_not_signed_is_named_inserted(
    tmp_path: Path,
) -> None:
    path, content = participant_export(tmp_path)
    extra = dict(content[2], position=content[2]["position"] + 1000)
    content.insert(3, extra)
    rewrite(path, content)

    assert only(check(path))[:2] == ("inserted", extra["position"])


TAMPERS = ("change", "drop", "insert", "swap")
FIXTURE_REUSED = HealthCheck.function_scoped_fixture  # tmp_path: each example its own file


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(TAMPERS), st.integers(0, len(RECORDS) - 2))
def test_audit_any_single_tamper_is_named_at_its_position(
    tmp_path: Path, tamper: str, spot: int
) -> None:
    path = export(tmp_path, f"{tamper}-{spot}.jsonl")
    content = lines(path)
    body = content[2:]
    position = body[spot]["position"]
    if tamper == "change":
        body[spot]["record"]["offset"] += 1000
    elif tamper == "drop":
        body.pop(spot)
    elif tamper == "insert":
        forged = as_audit(stage_started(ALICE, START + timedelta(hours=1)), 5, spot)
        body.insert(spot, {"position": position, "record": forged.to_json()})
    else:
        body[spot], body[spot + 1] = body[spot + 1], body[spot]
    rewrite(path, content[:2] + body)

    expected = {"change": "changed", "drop": "removed", "insert": "inserted", "swap": "reordered"}
    assert only(check(path))[:2] == (expected[tamper], position)
