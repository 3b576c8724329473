"""Who may report on which referral, and who may manage providers."""

from __future__ import annotations

import httpx
import pytest
from gateway_component_support import ADMIN_TOKEN, Harness, report

pytestmark = pytest.mark.component

OWN, OTHERS, UNKNOWN = "ref-alpha", "ref-beta", "ref-nobody"


async def _alpha_key_rotated(api: httpx.AsyncClient, harness: Harness) -> str:
    """Rotates alpha's key; returns the old one, which must no longer work."""
    old = harness.keys["alpha"]
    answer = await api.post("/admin/providers/alpha/keys", headers=_admin())
    harness.keys["alpha"] = answer.json()["api_key"]
    return old


def _admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.mark.parametrize(
    ("credential", "referral", "status", "reason"),
    [
        ("alpha", OWN, 201, None),
        ("alpha", OTHERS, 404, "unknown_referral"),
        ("alpha", UNKNOWN, 404, "unknown_referral"),
        ("beta", OWN, 404, "unknown_referral"),
        ("beta", OTHERS, 201, None),
        ("none", OWN, 401, "invalid_api_key"),
        ("malformed", OWN, 401, "invalid_api_key"),
        ("forged", OWN, 401, "invalid_api_key"),
        ("rotated-away", OWN, 401, "invalid_api_key"),
        ("revoked", OWN, 401, "invalid_api_key"),
    ],
)
async def test_a_provider_reports_only_on_its_own_referrals_with_a_valid_key(
    api: httpx.AsyncClient,
    harness: Harness,
    credential: str,
    referral: str,
    status: int,
    reason: str | None,
) -> None:
    await harness.refer(OWN, "alpha")
    await harness.refer(OTHERS, "beta")
    keys = dict(harness.keys)
    if credential == "rotated-away":
        keys[credential] = await _alpha_key_rotated(api, harness)
    if credential == "revoked":
        keys[credential] = harness.keys["alpha"]
        assert (await api.delete("/admin/providers/alpha", headers=_admin())).status_code == 204
    keys["malformed"] = "not-a-key"
    keys["forged"] = harness.keys["alpha"][:-4] + "AAAA"
    headers = {} if credential == "none" else {"Authorization": f"Bearer {keys[credential]}"}

    answer = await api.post(
        "/api/reports", json=report("accepted", referral, "r-1"), headers=headers
    )

    assert answer.status_code == status, answer.text
    if reason is not None:
        assert answer.json()["detail"][0]["reason"] == reason


async def test_the_new_key_works_after_a_rotation(api: httpx.AsyncClient, harness: Harness) -> None:
    await harness.refer(OWN, "alpha")
    await _alpha_key_rotated(api, harness)

    answer = await api.post(
        "/api/reports",
        json=report("accepted", OWN, "r-1"),
        headers={"Authorization": f"Bearer {harness.keys['alpha']}"},
    )

    assert answer.status_code == 201


@pytest.mark.parametrize("token", [None, "wrong", "kette_0123456789abcdef.x"])
async def test_the_admin_api_refuses_anyone_without_the_admin_token(
    api: httpx.AsyncClient, token: str | None
) -> None:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}

    answers = [
        await api.get("/admin/providers", headers=headers),
        await api.post(
            "/admin/providers", json={"provider_id": "x1", "name": "X"}, headers=headers
        ),
        await api.post("/admin/providers/alpha/keys", headers=headers),
        await api.delete("/admin/providers/alpha", headers=headers),
    ]

    assert [a.status_code for a in answers] == [401] * 4


async def test_an_admin_registers_a_provider_and_sees_its_key_once(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    answer = await api.post(
        "/admin/providers", json={"provider_id": "vhs-unna", "name": "VHS Unna"}, headers=_admin()
    )
    again = await api.post(
        "/admin/providers", json={"provider_id": "vhs-unna", "name": "VHS Unna"}, headers=_admin()
    )
    listing = await api.get("/admin/providers", headers=_admin())

    assert answer.status_code == 201, answer.text
    assert answer.json()["api_key"].startswith("kette_")
    assert harness.gateway.provisioner.provisioned[-1] == "vhs-unna"  # type: ignore[attr-defined]
    assert again.status_code == 409
    assert "vhs-unna" in {p["provider_id"] for p in listing.json()}
    assert "api_key" not in listing.text


@pytest.mark.parametrize("provider_id", ["VHS", "a", "provider.alpha", "x" * 70])
async def test_a_provider_id_that_is_no_slug_is_refused(
    api: httpx.AsyncClient, provider_id: str
) -> None:
    answer = await api.post(
        "/admin/providers", json={"provider_id": provider_id, "name": "X"}, headers=_admin()
    )

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "provider_id"
