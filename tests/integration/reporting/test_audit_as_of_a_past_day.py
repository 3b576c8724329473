"""`kette audit as-of DAY` stands where the history stood when DAY ended: records appended
later (newer, backdated or unreadable) leave its bytes and its Kafka-Stand unchanged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from kette_core.envelope import KafkaRecord
from tests.support.audit_cli import kette_audit, produce
from tests.support.audit_records import START
from tests.support.audit_records import registered as registered_at

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


def registered(day: int) -> KafkaRecord:
    return registered_at(START + timedelta(days=day))


async def test_audit_as_of_a_past_day_keeps_its_bytes_when_the_history_grows(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topic = await new_topic("asof-grows")
    await produce(kafka_bootstrap, topic, [registered(0) for _ in range(6)])
    await produce(kafka_bootstrap, topic, [registered(10)])  # after the day: the cut
    reports = []
    for run, fmt in enumerate(("csv", "html", "csv", "html")):
        if run == 2:  # the history grows: later, backdated and unreadable records
            junk = KafkaRecord(topic, None, {"ce_type": "kette.participant.registered.v1"}, b"x")
            await produce(kafka_bootstrap, topic, [registered(20), registered(0), junk])
        out = tmp_path / f"report-{run}.{fmt}"
        args = ["as-of", "2026-01-02", "--period", "2026", "--format", fmt, "--out", str(out)]
        result = await kette_audit(kafka_bootstrap, *args, "--topic", topic)
        assert result.exit_code == 0, result.output
        reports.append(out.read_bytes())

    assert reports[0] == reports[2]
    assert reports[1] == reports[3]
    text = reports[0].decode()
    assert f"Kafka-Stand;{topic}:0=6" in text  # the six records before the first one after
    assert "Summe;Teilnehmende am Periodenende;6" in text
