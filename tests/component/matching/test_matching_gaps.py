"""An unmet request shows up in the gap report: JSON, CSV and chart over the API."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from matching_component_support import Harness, eventually, referral_request

pytestmark = pytest.mark.component


async def test_an_unmet_request_is_counted_as_a_gap_of_its_kommune_and_module(
    harness: Harness, api: httpx.AsyncClient
) -> None:
    today = datetime.now(UTC).date()
    school_in_selm = referral_request(
        request_id="req-selm-school",
        stage="school",
        module="F3",
        kommune="Selm",
        current_language_level="A1",
        target_language_level=None,
    )
    await harness.request(school_in_selm)
    await harness.request(referral_request(request_id="req-met"))  # offers found: no gap
    await eventually(lambda: len(harness.answers) == 2, "both answers")

    report = (await api.get("/gaps", params={"since": str(today)})).json()
    csv = (await api.get("/gaps.csv", params={"kommune": "Selm"})).text
    chart = await api.get("/gaps.svg")
    earlier = (await api.get("/gaps", params={"until": "2000-01-31"})).json()

    assert [(g["kommune"], g["module"], g["gap_reason"], g["requests"]) for g in report] == [
        ("Selm", "F3", "language_level_mismatch", 1)
    ]
    assert csv.splitlines()[1] == f"{today:%Y-%m};Selm;F3;Sprachniveau passt zu keinem Angebot;1"
    assert chart.headers["content-type"] == "image/svg+xml"
    assert "Selm, F3: 1 Anfrage ohne Angebot" in chart.text
    assert earlier == []
