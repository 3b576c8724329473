"""kette audit on the real broker and Temporal: export, verify, tamper, timeline and access."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client

from kette_core.envelope import KafkaRecord
from kette_core.ids import new_participant_id
from tests.support.audit_cli import kette_audit, produce
from tests.support.audit_records import START, dead_letter, pii_read, stage_started

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
DAY = START + timedelta(days=1)
PERIOD = "2026-01-02..2026-01-02"


async def test_audit_export_verify_and_tamper_on_real_kafka(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    chain = await new_topic("audit-chain", partitions=2)
    access = await new_topic("audit-access")
    letters = await new_topic("audit-deadletter")
    alice, bob = new_participant_id(), new_participant_id()
    before = stage_started(alice, START)  # the day before the period: only in the frontier
    hours = [DAY + timedelta(hours=h) for h in range(4)]
    during = [stage_started(who, hour) for hour in hours for who in (alice, bob)]
    junk_headers = {"ce_type": "kette.chain.stage_started.v1", "ce_time": "2026-01-02T07:00:00Z"}
    junk = KafkaRecord(chain, bob, junk_headers, b"not json")
    chain_offsets = await produce(kafka_bootstrap, chain, [before, *during, junk])
    await produce(kafka_bootstrap, access, [pii_read(alice, DAY + timedelta(hours=5))])
    await produce(kafka_bootstrap, letters, [dead_letter(DAY, chain, 0, chain_offsets[-1])])
    private, public = tmp_path / "audit.key", tmp_path / "audit.pub"
    topics = [arg for topic in (chain, access, letters) for arg in ("--topic", topic)]
    keygen = await kette_audit(
        kafka_bootstrap, "keygen", "--private", str(private), "--public", str(public)
    )
    assert keygen.exit_code == 0, keygen.output

    out = tmp_path / "period.jsonl"
    exported = await kette_audit(
        kafka_bootstrap,
        "export",
        "--period",
        PERIOD,
        "--key",
        str(private),
        "--out",
        str(out),
        *topics,
    )
    assert exported.exit_code == 0, exported.output
    assert "records of" in exported.output and "invalid" in exported.output
    header, _, *lines = (json.loads(text) for text in out.read_text().splitlines())
    assert header["head"]["first_position"] == 1  # `before` lies before the period
    assert len(lines) == len(during) + 3  # the junk, the read and the dead letter too

    verified = await kette_audit(kafka_bootstrap, "verify", str(out), "--public-key", str(public))
    assert verified.exit_code == 0, verified.output
    assert "OK: signature valid" in verified.output
    assert "dead_letter" in verified.output

    tampered = tmp_path / "tampered.jsonl"
    victim = next(line for line in lines if line["record"]["key"] == bob)
    victim["record"]["value"] = victim["record"]["value"].replace("language", "school")
    texts = out.read_text().splitlines()
    texts[texts.index(next(t for t in texts if f'"position": {victim["position"]}' in t))] = (
        json.dumps(victim, sort_keys=True)
    )
    tampered.write_text("\n".join(texts) + "\n")
    caught = await kette_audit(
        kafka_bootstrap, "verify", str(tampered), "--public-key", str(public)
    )
    record = victim["record"]
    where = f"{record['topic']}/{record['partition']}@{record['offset']}"
    assert caught.exit_code == 1
    assert f"FAILED changed: position {victim['position']} ({where})" in caught.output

    mine = tmp_path / "alice.jsonl"
    args = ["--period", PERIOD, "--key", str(private), "--out", str(mine), "--participant", alice]
    assert (await kette_audit(kafka_bootstrap, "export", *args, *topics)).exit_code == 0
    assert bob not in mine.read_text()
    checked = await kette_audit(kafka_bootstrap, "verify", str(mine), "--public-key", str(public))
    assert checked.exit_code == 0, checked.output


async def test_audit_timeline_and_access_on_real_kafka_and_temporal(
    kafka_bootstrap: str,
    new_topic: NewTopic,
    temporal_client: Client,
    temporal_address: str,
    task_queue: str,
) -> None:
    chain = await new_topic("audit-chain")
    access = await new_topic("audit-access")
    alice = new_participant_id()
    await produce(kafka_bootstrap, chain, [stage_started(alice, DAY)])
    await produce(kafka_bootstrap, access, [pii_read(alice, DAY + timedelta(hours=1), "cw-auditx")])
    workflow_id = f"chain-{alice}"
    handle = await temporal_client.start_workflow(
        "ChainWorkflow", {"participant_id": alice}, id=workflow_id, task_queue=task_queue
    )
    actor = {"role": "provider", "actor_id": "prov-vhs-unna"}
    await handle.signal("provider_reported", {"input_id": "ev-42", "report": {"actor": actor}})
    try:
        shown = await kette_audit(
            kafka_bootstrap,
            "timeline",
            alice,
            "--temporal-address",
            temporal_address,
            "--topic",
            chain,
            "--topic",
            access,
        )
    finally:
        await handle.terminate("test over")
    assert shown.exit_code == 0, shown.output
    assert "kette.chain.stage_started.v1" in shown.output
    assert "signal provider_reported" in shown.output
    assert "provider:prov-vhs-unna" in shown.output
    assert "from event ev-42" in shown.output

    reads = await kette_audit(kafka_bootstrap, "access", alice, "--topic", access)
    assert reads.exit_code == 0, reads.output
    assert "caseworker:cw-auditx" in reads.output and "case_management" in reads.output


async def test_audit_a_later_export_is_consistent_until_history_changes(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    chain = await new_topic("audit-chain")
    alice = new_participant_id()
    await produce(kafka_bootstrap, chain, [stage_started(alice, DAY + timedelta(hours=1))])
    private, public = tmp_path / "audit.key", tmp_path / "audit.pub"
    await kette_audit(kafka_bootstrap, "keygen", "--private", str(private), "--public", str(public))

    async def export(name: str, period: str, *more: str) -> tuple[Path, str]:
        out = tmp_path / name
        args = ["--period", period, "--key", str(private), "--out", str(out), "--topic", chain]
        result = await kette_audit(kafka_bootstrap, "export", *args, *more)
        assert result.exit_code == 0, result.output
        return out, result.output

    first, _ = await export("first.jsonl", PERIOD)
    await produce(kafka_bootstrap, chain, [stage_started(alice, DAY + timedelta(days=1))])
    second, _ = await export(
        "second.jsonl", "2026-01-02..2026-01-03", "--consistent-with", str(first)
    )
    check = ["verify", str(second), "--public-key", str(public), "--against", str(first)]
    consistent = await kette_audit(kafka_bootstrap, *check)
    assert consistent.exit_code == 0, consistent.output
    assert "are consistent" in consistent.output

    late = stage_started(alice, DAY)  # written now, dated before the first export's end
    await produce(kafka_bootstrap, chain, [late])
    third, warned = await export(
        "third.jsonl", "2026-01-02..2026-01-03", "--consistent-with", str(first)
    )
    assert "NOT a prefix" in warned
    check = ["verify", str(third), "--public-key", str(public), "--against", str(first)]
    changed = await kette_audit(kafka_bootstrap, *check)
    assert changed.exit_code == 1
    assert "FAILED inconsistent" in changed.output
