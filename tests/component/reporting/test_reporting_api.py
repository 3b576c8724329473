"""The API and the dashboard over a projection rebuilt from a cohort (no broker needed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bench._reporting_cohort import as_records, cohort_events
from kette_reporting.app import build, create_app
from kette_reporting.projection.rebuild import rebuild
from kette_reporting.settings import ReportingSettings
from tests.component.reporting.reporting_auth_support import (
    TOKEN_SECRET,
    coordinator,
    signed_in_cookie,
)

pytestmark = pytest.mark.component


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'reporting.db'}"
    await rebuild(as_records(cohort_events(200, seed=5)), url)
    settings = ReportingSettings(database_url=url, consume=False, token_secret=TOKEN_SECRET)
    reporting = build(settings)
    transport = httpx.ASGITransport(app=create_app(reporting))
    headers = coordinator()
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://reporting",
        headers=headers,
        cookies=signed_in_cookie(reporting, headers),
    ) as client:
        yield client
    await reporting.engine.dispose()


async def test_the_state_report_downloads_in_each_format_with_a_file_name(
    api: httpx.AsyncClient,
) -> None:
    for fmt, start in (("csv", b"Bericht;"), ("xlsx", b"PK"), ("html", b"<!DOCTYPE"),
                       ("pdf", b"%PDF")):  # fmt: skip
        answer = await api.get("/reports/state", params={"period": "2025", "format": fmt})

        assert answer.status_code == 200
        assert answer.content.startswith(start)
        assert f'sachbericht-2025-01-01..2025-12-31.{fmt}"' in answer.headers["content-disposition"]


async def test_the_figures_hide_small_cells_as_null(api: httpx.AsyncClient) -> None:
    answer = await api.get("/figures", params={"period": "2025-Q2", "kommune": "Rheine"})

    body = answer.json()
    values = [v for table in body["tables"] for row in table["rows"] for v in row["values"]]
    assert answer.status_code == 200 and body["kommune"] == "Rheine"
    assert None in values
    assert all(v is None or v == 0 or v >= 5 for t in body["tables"] if t["key"] == "gaps"
               for row in t["rows"] for v in row["values"])  # fmt: skip


async def test_a_bad_period_is_refused_naming_the_field_in_english_and_german(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.get("/figures", params={"period": "letztes Jahr"})

    [problem] = answer.json()["detail"]
    assert answer.status_code == 422
    assert problem["field"] == "period" and "expected YYYY" in problem["reason"]
    assert problem["message_de"].startswith("Zeitraum unlesbar")


async def test_the_dashboard_is_german_labelled_and_filters_by_period_and_kommune(
    api: httpx.AsyncClient,
) -> None:
    page = (await api.get("/dashboard", params={"zeitraum": "2025", "kommune": "Greven"})).text

    assert '<html lang="de">' in page
    assert '<label for="zeitraum">' in page and '<label for="kommune">' in page
    assert '<option value="Greven" selected>' in page
    assert page.count("<svg") == 3 and "<script" not in page
    assert "Antwortzeit und Abschlussquote je Träger" in page
    assert "Verweildauer je Etappe" in page


async def test_the_dashboard_says_what_is_wrong_with_a_period_in_german(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.get("/dashboard", params={"zeitraum": "2025-Q9"})

    assert answer.status_code == 422
    assert 'role="alert">Zeitraum unlesbar' in answer.text


async def test_probes_and_openapi_answer(api: httpx.AsyncClient) -> None:
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    assert (await api.get("/readyz")).json()["checks"]["database"]["ok"] is True
    assert "kette_reporting_projected_events" in (await api.get("/metrics")).text
    assert "/reports/state" in (await api.get("/openapi.json")).json()["paths"]
