"""`kette report` and `GET /reports/state` give the same bytes, charts included, in every format."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kette_core.envelope import KafkaRecord
from kette_reporting.app import build, create_app
from kette_reporting.cli import app
from kette_reporting.projection.rebuild import rebuild_from_kafka
from kette_reporting.settings import ReportingSettings
from tests.component.reporting.reporting_auth_support import TOKEN_SECRET, coordinator
from tests.support.audit_cli import produce
from tests.support.audit_records import START
from tests.support.audit_records import registered as registered_at

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
STARTS = {"csv": b"Bericht;", "xlsx": b"PK", "html": b"<!DOCTYPE", "pdf": b"%PDF"}


def registered(day: int) -> KafkaRecord:
    return registered_at(START + timedelta(days=day))


async def test_reporting_the_cli_and_the_api_write_the_same_report_in_each_format(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topic = await new_topic("report-both")
    await produce(kafka_bootstrap, topic, [registered(day) for day in range(8)])
    live = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    await rebuild_from_kafka({"bootstrap_servers": kafka_bootstrap}, [topic], live)
    env = {"KETTE_KAFKA_BOOTSTRAP": kafka_bootstrap, "KETTE_DATABASE_URL": live, "COLUMNS": "200"}
    settings = ReportingSettings(database_url=live, consume=False, token_secret=TOKEN_SECRET)
    reporting = build(settings)
    transport = httpx.ASGITransport(app=create_app(reporting))
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://r", headers=coordinator()
        ) as api:
            for fmt, start in STARTS.items():
                out = tmp_path / f"report.{fmt}"
                args = ["report", "--period", "2026", "--format", fmt, "--out", str(out),
                        "--topic", topic, "--wait", "5"]  # fmt: skip
                result = await asyncio.to_thread(CliRunner().invoke, app, args, env=env)
                assert result.exit_code == 0, result.output
                answer = await api.get("/reports/state", params={"period": "2026", "format": fmt})
                assert answer.status_code == 200
                assert out.read_bytes() == answer.content, fmt
                assert answer.content.startswith(start)
                if fmt == "html":
                    assert answer.content.count(b"<svg") == 3  # funnel, over time, gaps
    finally:
        await reporting.engine.dispose()


async def test_reporting_kette_report_shows_a_bar_while_the_projection_is_behind(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topic = await new_topic("report-behind")
    await produce(kafka_bootstrap, topic, [registered(0)])
    live = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    await rebuild_from_kafka({"bootstrap_servers": kafka_bootstrap}, [topic], live)
    await produce(kafka_bootstrap, topic, [registered(1), registered(2)])  # never projected
    env = {"KETTE_KAFKA_BOOTSTRAP": kafka_bootstrap, "KETTE_DATABASE_URL": live, "COLUMNS": "200"}
    args = ["report", "--period", "2026", "--out", str(tmp_path / "r.csv"), "--topic", topic,
            "--wait", "1"]  # fmt: skip

    result = await asyncio.to_thread(CliRunner().invoke, app, args, env=env)

    assert result.exit_code == 0, result.output
    assert "Waiting for the projection to read Kafka" in result.output
    assert "0/2" in result.output
    assert "the projection is still 2 records behind Kafka" in result.output
