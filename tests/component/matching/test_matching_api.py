"""The catalogue and matching API: coordinators manage offers, impossible ones are refused."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.component


def offer_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "offer_id": "vhs-selm.deutsch-a2",
        "provider_id": "vhs-luenen",
        "module": "F4",
        "stage": "language",
        "title": "Deutsch A1 bis A2 in Selm",
        "kommune": "Selm",
        "starts_on": "2026-04-13",
        "ends_on": "2026-09-30",
        "capacity": 14,
        "language_level_reached": "A2",
    }
    body.update(overrides)
    return body


async def test_a_coordinator_adds_an_offer_and_finds_it_in_the_catalogue(
    api: httpx.AsyncClient,
) -> None:
    created = await api.put("/offers/vhs-selm.deutsch-a2", json=offer_body())
    listed = await api.get("/offers", params={"kommune": "Selm", "module": "F4"})

    assert created.status_code == 200, created.text
    assert created.json()["capacity"] == 14
    assert [o["offer_id"] for o in listed.json()] == ["vhs-selm.deutsch-a2"]


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"capacity": -2}, "capacity", "negative"),
        ({"ends_on": "2026-04-01"}, "ends_on", "before_start"),
        ({"module": "F9"}, "module", "unknown_module"),
        ({"kommune": "Dortmund"}, "kommune", "unknown_kommune"),
        ({"capacity": "viele"}, "capacity", "int_parsing"),
    ],
)
async def test_an_impossible_offer_is_refused_with_field_and_reason_and_not_stored(
    api: httpx.AsyncClient, overrides: dict[str, Any], field: str, reason: str
) -> None:
    refused = await api.put("/offers/vhs-selm.deutsch-a2", json=offer_body(**overrides))
    stored = await api.get("/offers/vhs-selm.deutsch-a2")

    assert refused.status_code == 422
    problems = refused.json()["detail"]
    assert {"field": field, "reason": reason} in [
        {"field": p["field"], "reason": p["reason"]} for p in problems
    ]
    assert all(p["message_de"] for p in problems)
    assert stored.status_code == 404


async def test_a_preview_explains_proposals_in_german_and_names_each_rejected_offer(
    api: httpx.AsyncClient,
) -> None:
    need = {
        "stage": "language",
        "module": "F4",
        "kommune": "Bergkamen",
        "current_language_level": "A2",
        "target_language_level": "B1",
    }

    preview = (await api.post("/matching/preview", json=need)).json()

    assert preview["proposals"][0]["explanation_de"].startswith("A2 erreicht, führt zu B1")
    assert "km von Bergkamen" in preview["proposals"][0]["explanation_de"]
    assert {"offer_id": "vhs-bergkamen.deutsch-b2", "failed": "language"} in [
        {"offer_id": r["offer_id"], "failed": r["failed"]} for r in preview["rejected"]
    ]


async def test_the_probes_and_the_api_description_answer(api: httpx.AsyncClient) -> None:
    health = await api.get("/healthz")
    metrics = await api.get("/metrics")
    openapi = (await api.get("/openapi.json")).json()

    assert health.json() == {"status": "ok"}
    assert "kette_matching_requests_total" in metrics.text
    assert {"/offers", "/providers", "/readyz", "/matching/preview"} <= set(openapi["paths"])


async def test_readiness_reports_the_database_fine(api: httpx.AsyncClient) -> None:
    ready = (await api.get("/readyz")).json()

    assert ready["checks"]["database"] == {"ok": True, "detail": "ok"}
    assert ready["checks"]["consumer"]["ok"] is True  # nothing waits: no stalled consumer
