"""kette audit replay and as-of on the real broker: a rebuild compared, a report reproduced."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from kette_core.contracts.base import example_for
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.db import create_engine
from kette_core.envelope import encode, new_event
from kette_core.ids import new_participant_id
from kette_reporting.projection.rebuild import rebuild_from_kafka
from kette_reporting.projection.tables import pii_read as pii_read_table
from tests.support.audit_cli import kette_audit, produce
from tests.support.audit_records import START, pii_read, stage_started

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


async def history_on(bootstrap: str, new_topic: NewTopic) -> list[str]:
    participants = await new_topic("audit-participants")
    chain = await new_topic("audit-chain")
    access = await new_topic("audit-access")
    people = [new_participant_id() for _ in range(12)]
    registered = [
        encode(
            new_event(
                example_for(ParticipantRegistered).model_copy(update={"participant_id": who}),
                source="/kette/intake",
                time=START + timedelta(days=0 if number < 6 else 10),
            )
        )
        for number, who in enumerate(people)
    ]
    await produce(bootstrap, participants, registered)
    await produce(
        bootstrap, chain, [stage_started(who, START + timedelta(days=5)) for who in people]
    )
    await produce(bootstrap, access, [pii_read(who, START + timedelta(days=6)) for who in people])
    return [participants, chain, access]


async def test_audit_replay_finds_no_difference_then_names_a_missing_row(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topics = await history_on(kafka_bootstrap, new_topic)
    live = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    options = {"bootstrap_servers": kafka_bootstrap}
    await rebuild_from_kafka(options, topics, live)
    chosen = [arg for topic in topics for arg in ("--topic", topic)]

    same = await kette_audit(kafka_bootstrap, "replay", "--live", live, "--workers", "2", *chosen)
    assert same.exit_code == 0, same.output
    assert "OK: the rebuilt projection equals the live one" in same.output
    assert re.search(r"rebuilt 36 events \(0 unreadable records kept\) in [0-9.]+ s", same.output)

    engine = create_engine(live)
    async with engine.begin() as connection:
        gone = (await connection.execute(sa.select(pii_read_table.c.ce_id).limit(1))).scalar_one()
        await connection.execute(sa.delete(pii_read_table).where(pii_read_table.c.ce_id == gone))
    await engine.dispose()
    differs = await kette_audit(kafka_bootstrap, "replay", "--live", live, *chosen)
    assert differs.exit_code == 1
    assert re.search(rf"pii_read\s+│\s+{gone}\s+│\s+only rebuilt", differs.output), differs.output


async def test_audit_as_of_gives_the_same_bytes_on_two_runs(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topics = await history_on(kafka_bootstrap, new_topic)
    chosen = [arg for topic in topics for arg in ("--topic", topic)]
    outputs = []
    for run in range(2):
        out = tmp_path / f"report-{run}.csv"
        args = ["as-of", "2026-01-02", "--period", "2026", "--out", str(out), *chosen]
        result = await kette_audit(kafka_bootstrap, *args)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())

    assert outputs[0] == outputs[1]
    text = outputs[0].decode()
    assert "Datenstand: 02.01.2026" in text
    assert "Summe;Teilnehmende am Periodenende;6" in text  # the six registered by then, not 12
