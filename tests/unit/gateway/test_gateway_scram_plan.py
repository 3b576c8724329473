"""The security plan deletes a revoked provider's principal and keeps the gateway's rights."""

from __future__ import annotations

from pathlib import Path

import pytest

from kette_devstack.kafka_security import CredentialStore, provider_principal, security_plan

pytestmark = pytest.mark.unit


def _lines(plan: str, kind: str) -> list[list[str]]:
    return [line.split("\t")[1:] for line in plan.splitlines() if line.startswith(kind + "\t")]


def test_a_revoked_provider_gets_a_revoke_line_and_neither_password_nor_acls(
    tmp_path: Path,
) -> None:
    plan = security_plan(["alpha"], CredentialStore(tmp_path / "c.json"), revoked=["omega"])

    assert _lines(plan, "revoke") == [["provider.omega"]]
    assert "provider.omega" not in {user for user, _ in _lines(plan, "scram")}
    acls = _lines(plan, "acl")
    assert not [acl for acl in acls if acl[0] == "User:provider.omega"]
    assert [
        "User:provider-gateway",
        "TOPIC",
        "provider.omega.referrals.v1",
        "LITERAL",
        "WRITE",
    ] in acls
    assert [
        "User:provider.alpha",
        "TOPIC",
        "provider.alpha.referrals.v1",
        "LITERAL",
        "READ",
    ] in acls


def test_a_provider_both_active_and_revoked_counts_as_active(tmp_path: Path) -> None:
    plan = security_plan(["alpha"], CredentialStore(tmp_path / "c.json"), revoked=["alpha"])

    assert _lines(plan, "revoke") == []
    assert provider_principal("alpha") in {user for user, _ in _lines(plan, "scram")}


def test_rotation_replaces_the_stored_password_and_forget_drops_it(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "credentials.json")
    first = store.password("provider.alpha")

    second = store.rotate("provider.alpha")

    assert second != first
    assert store.password("provider.alpha") == second
    assert store.path.stat().st_mode & 0o077 == 0
    store.forget("provider.alpha")
    assert "provider.alpha" not in store.all()
