"""The scenario on the real stack (chain worker, bridge, Temporal, Kafka) read by the live
projection; `kette audit replay` rebuilds it equal, `kette audit timeline` names who acted."""

from __future__ import annotations

from pathlib import Path

import pytest

from kette_devstack.scenario.player import ScenarioSettings
from kette_devstack.scenario.script import PlayRules
from kette_reporting.app import build, start, stop
from kette_reporting.audit.runs import caught_up
from kette_reporting.projection.kafka_options import client_options
from kette_reporting.settings import ReportingSettings
from kette_workflows.api import ConfirmOffer, RecordFollowUp
from tests.integration.workflows.chain_stack_support import member, running_chain
from tests.support.audit_cli import kette_audit

pytestmark = pytest.mark.integration


def table_rows(output: str) -> list[list[str]]:
    """The cells of each row of a rich table whose first column is a time (folded lines joined)."""
    rows: list[list[str]] = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) < 5:
            continue
        if cells[0][:2] == "20":
            rows.append(cells)
        elif rows and not cells[0]:
            rows[-1] = [a + b for a, b in zip(rows[-1], cells, strict=True)]
    return rows


async def test_audit_the_scenario_rebuilds_to_the_live_projection_and_reads_as_a_timeline(
    chain_settings: ScenarioSettings, temporal_address: str, tmp_path: Path
) -> None:
    s = chain_settings
    topics = [s.participants_topic, s.chain_topic, s.matching_topic, s.provider_status_topic,
              s.deadletter_topic]  # fmt: skip
    live_url = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    settings = ReportingSettings(
        kafka_bootstrap=s.kafka_bootstrap,
        database_url=live_url,
        topics=tuple(topics),
        group_id=f"kette.reporting.test.{tmp_path.name}",
    )
    trained = member("trained_worker")
    who = trained.participant_id
    live = build(settings)
    await start(live)
    try:
        async with running_chain(s, tmp_path) as stack:
            player = stack.start_player(PlayRules(backdate_job_start=True))
            await stack.register(trained.registration)
            await stack.wait_for(
                lambda: player.stats[f"decisions.{RecordFollowUp.name}"] == 1,
                "the chain to run to its follow-up",
            )
            await stack.stop_player()
            behind = await caught_up(client_options(settings), topics, live_url, 60)
            assert behind == 0, "the live projection did not catch up"
            chosen = [arg for topic in topics for arg in ("--topic", topic)]
            timeline = await kette_audit(
                s.kafka_bootstrap, "timeline", who, "--temporal-address", temporal_address, *chosen
            )
    finally:
        await stop(live)

    replay = await kette_audit(s.kafka_bootstrap, "replay", "--live", live_url, *chosen)
    assert replay.exit_code == 0, replay.output
    assert "OK: the rebuilt projection equals the live one" in replay.output
    assert "more records" not in replay.output  # neither side read further

    assert timeline.exit_code == 0, timeline.output
    rows = table_rows(timeline.output)
    sources = {row[1] for row in rows}
    assert {"temporal", s.chain_topic, s.participants_topic} <= sources, timeline.output
    assert all(row[3] for row in rows), timeline.output  # every step names who triggered it
    times = [row[0] for row in rows]
    assert times == sorted(times)
    (started,) = [row for row in rows if row[2].startswith("workflow started")]
    assert started[3].startswith("caseworker:"), timeline.output  # who registered them
    confirmed = [row for row in rows if row[2] == f"update {ConfirmOffer.name}"]
    assert confirmed and confirmed[0][3].startswith("caseworker:"), timeline.output
    reported = [row for row in rows if row[2] == "signal provider_reported"]
    assert reported and all(row[3].startswith("provider:") for row in reported), timeline.output
