"""The checked-in OpenAPI document is the one the gateway serves."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from kette_provider_gateway.app import openapi_document

pytestmark = pytest.mark.component

DOCUMENT = Path(__file__).parents[3] / "docs" / "provider-gateway.openapi.json"


def test_the_checked_in_document_matches_the_code() -> None:
    assert DOCUMENT.read_text() == openapi_document(), (
        "regenerate: python -m kette_provider_gateway openapi > docs/provider-gateway.openapi.json"
    )


async def test_the_served_document_declares_the_api_keys_and_every_report_type(
    api: httpx.AsyncClient,
) -> None:
    served = (await api.get("/openapi.json")).json()

    schemes = served["components"]["securitySchemes"]
    assert {"ProviderApiKey", "AdminToken"} <= set(schemes)
    body = served["paths"]["/api/reports"]["post"]["requestBody"]["content"]["application/json"]
    mapping = body["schema"]["discriminator"]["mapping"]
    assert set(mapping) == {
        "accepted",
        "rejected",
        "place_unavailable",
        "enrolled",
        "attendance",
        "exam_result",
        "completed",
        "dropped_out",
    }
    assert served == json.loads(DOCUMENT.read_text())
