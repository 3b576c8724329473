"""A report names the offsets it stood at; `kette audit as-of --offsets` reproduces it exactly
on the real broker after the history has grown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kette_core.contracts.base import example_for
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.db import create_engine
from kette_core.envelope import KafkaRecord, encode, new_event
from kette_core.ids import new_participant_id
from kette_reporting.cli import app
from kette_reporting.figures.period import Period
from kette_reporting.projection.rebuild import rebuild_from_kafka
from kette_reporting.report.service import report_bytes
from tests.support.audit_cli import kette_audit, produce
from tests.support.audit_records import START

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


def registrations(count: int, days: int) -> list[KafkaRecord]:
    return [
        encode(
            new_event(
                example_for(ParticipantRegistered).model_copy(
                    update={"participant_id": new_participant_id()}
                ),
                source="/kette/intake",
                time=START + timedelta(days=days),
            )
        )
        for _ in range(count)
    ]


async def test_audit_as_of_the_offsets_printed_with_a_report_gives_its_bytes_again(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topic = await new_topic("audit-offsets", partitions=3)
    await produce(kafka_bootstrap, topic, registrations(7, days=0))
    live = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    await rebuild_from_kafka({"bootstrap_servers": kafka_bootstrap}, [topic], live)
    engine = create_engine(live)
    try:
        made = await report_bytes(engine, Period.parse("2026"), "csv")
    finally:
        await engine.dispose()
    stand = next(line for line in made.decode().splitlines() if line.startswith("Kafka-Stand;"))
    recorded = stand.split(";", 1)[1]
    assert sum(int(entry.rsplit("=", 1)[1]) for entry in recorded.split()) == 7

    await produce(kafka_bootstrap, topic, registrations(6, days=1))  # the history grows
    again = tmp_path / "again.csv"
    now = tmp_path / "now.csv"
    by_offsets = await kette_audit(
        kafka_bootstrap, "as-of", "--offsets", recorded, "--period", "2026", "--out", str(again),
        "--topic", topic,
    )  # fmt: skip
    today = await kette_audit(
        kafka_bootstrap, "as-of", "2026-12-31", "--period", "2026", "--out", str(now),
        "--topic", topic,
    )  # fmt: skip

    assert by_offsets.exit_code == 0, by_offsets.output
    assert again.read_bytes() == made
    assert today.exit_code == 0, today.output
    assert "Summe;Teilnehmende am Periodenende;13" in now.read_text()
    assert "Summe;Teilnehmende am Periodenende;7" in again.read_text()


async def test_audit_as_of_refuses_offsets_it_cannot_read(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    result = await kette_audit(
        kafka_bootstrap, "as-of", "--offsets", "kette.chain.v1:zero=3", "--period", "2026",
        "--out", str(tmp_path / "x.csv"),
    )  # fmt: skip

    assert result.exit_code == 2
    assert "'kette.chain.v1:zero=3' is not topic:partition=offset" in result.output


async def test_kette_report_writes_the_live_report_with_the_offsets_it_caught_up_to(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topic = await new_topic("report-live", partitions=2)
    sent = await produce(kafka_bootstrap, topic, registrations(5, days=0))
    live = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    await rebuild_from_kafka({"bootstrap_servers": kafka_bootstrap}, [topic], live)
    out = tmp_path / "reports" / "now.csv"
    env = {"KETTE_KAFKA_BOOTSTRAP": kafka_bootstrap, "KETTE_DATABASE_URL": live, "COLUMNS": "240"}
    args = ["report", "--period", "2026", "--out", str(out), "--topic", topic, "--wait", "5"]

    result = await asyncio.to_thread(CliRunner().invoke, app, args, env=env)

    assert result.exit_code == 0, result.output
    assert "behind" not in result.output
    stand = next(line for line in out.read_text().splitlines() if line.startswith("Kafka-Stand;"))
    assert sum(int(entry.rsplit("=", 1)[1]) for entry in stand.split(";")[1].split()) == len(sent)
