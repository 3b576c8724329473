"""Only a coordinator's valid token (issued by intake) changes the catalogue; reading is open."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from matching_component_support import Harness, token

from kette_core.contracts.vocabulary import ActorRole
from kette_matching.app import create_app

pytestmark = pytest.mark.component

OTHER_SECRET = base64.b64encode(b"x" * 32).decode()
CHANGES = [
    ("PUT", "/offers/vhs-unna.jik"),
    ("PUT", "/providers/vhs-unna"),
    ("POST", "/offers.csv"),
    ("POST", "/offers.xlsx"),
]


def client(harness: Harness, authorization: str | None) -> httpx.AsyncClient:
    headers = {} if authorization is None else {"Authorization": authorization}
    transport = httpx.ASGITransport(app=create_app(harness.matching))
    return httpx.AsyncClient(transport=transport, base_url="http://matching", headers=headers)


@pytest.mark.parametrize(
    ("authorization", "status", "reason"),
    [
        (None, 401, "missing_token"),
        ("Bearer not-a-token", 401, "invalid_token"),
        (
            f"Bearer {token(ActorRole.COORDINATOR, base64.b64encode(b'x' * 32).decode())}",
            401,
            "invalid_token",
        ),
        (f"Bearer {token(ActorRole.COORDINATOR, minutes=-1)}", 401, "invalid_token"),
        (f"Bearer {token(ActorRole.CASEWORKER)}", 403, "not_a_coordinator"),
    ],
    ids=["no token", "garbage", "other secret", "expired", "caseworker"],
)
@pytest.mark.parametrize(("method", "path"), CHANGES, ids=[f"{m} {p}" for m, p in CHANGES])
async def test_a_change_without_a_coordinators_valid_token_is_refused_with_the_reason(
    harness: Harness, authorization: str | None, status: int, reason: str, method: str, path: str
) -> None:
    async with client(harness, authorization) as api:
        before = (await api.get("/offers/vhs-unna.jik")).json()
        answer = await api.request(method, path, content=b"{}")
        after = (await api.get("/offers/vhs-unna.jik")).json()

    assert answer.status_code == status
    assert answer.json()["detail"][0]["reason"] == reason
    assert after == before


async def test_a_coordinator_changes_an_offer_and_anyone_reads_it(harness: Harness) -> None:
    async with client(harness, None) as anonymous:
        offer: dict[str, Any] = (await anonymous.get("/offers/vhs-unna.jik")).json()
    changed = {k: v for k, v in offer.items() if k != "places_taken"} | {"capacity": 21}

    async with client(harness, f"Bearer {token(ActorRole.COORDINATOR)}") as coordinator:
        answer = await coordinator.put("/offers/vhs-unna.jik", json=changed)
    async with client(harness, None) as anonymous:
        stored = (await anonymous.get("/offers/vhs-unna.jik")).json()

    assert answer.status_code == 200, answer.text
    assert stored["capacity"] == 21


class TestWithoutASecret:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"token_secret": None}

    async def test_no_change_is_accepted_when_no_secret_is_configured(
        self, harness: Harness
    ) -> None:
        async with client(harness, f"Bearer {token(ActorRole.COORDINATOR)}") as api:
            answer = await api.put("/offers/vhs-unna.jik", json={})

        assert answer.status_code == 503
        assert answer.json()["detail"][0]["reason"] == "no_token_secret"
