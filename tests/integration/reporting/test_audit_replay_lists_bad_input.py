"""`kette audit replay` on the real broker lists every record it kept uncounted, with the reason."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from kette_core.envelope import KafkaRecord
from kette_core.ids import new_participant_id
from kette_reporting.projection.rebuild import rebuild_from_kafka
from tests.support.audit_cli import kette_audit, produce
from tests.support.audit_records import START, dead_letter, renamed, stage_started

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


async def test_audit_replay_lists_dead_letters_newer_types_and_junk_with_their_reasons(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    chain, letters = await new_topic("kept-chain"), await new_topic("kept-deadletter")
    who = new_participant_id()
    newer = renamed(stage_started(who, START), "kette.chain.stage_started.v2")
    junk = KafkaRecord(chain, who, {"ce_type": "kette.chain.stage_started.v1"}, b"not json")
    await produce(kafka_bootstrap, chain, [stage_started(who, START), newer, junk])
    await produce(kafka_bootstrap, letters, [dead_letter(START + timedelta(hours=1), chain, 0, 2)])
    live = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    await rebuild_from_kafka({"bootstrap_servers": kafka_bootstrap}, [chain, letters], live)

    shown = await kette_audit(
        kafka_bootstrap, "replay", "--live", live, "--topic", chain, "--topic", letters
    )

    assert shown.exit_code == 0, shown.output
    assert "Kept and reported: dead letters and unreadable records" in shown.output
    lines = shown.output.splitlines()
    rejected = next(line for line in lines if f"{chain}/0@2" in line and "dead_letter" in line)
    assert "rejected by bridge: payload field stage" in rejected
    assert any(f"{chain}/0@1" in line and "stage_started.v2" in line for line in lines)
    assert any(f"{chain}/0@2" in line and "unreadable" in line for line in lines)
    assert "OK: the rebuilt projection equals the live one" in shown.output
