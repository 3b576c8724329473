"""The devstack's claim-check wiring: one token per state dir, for intake and the gateway only."""

from __future__ import annotations

import stat
from pathlib import Path

from kette_devstack.service_env import _intake_link


def test_intake_and_the_gateway_share_one_private_token_nobody_else_sees(tmp_path: Path) -> None:
    intake = _intake_link(tmp_path, "intake")
    gateway = _intake_link(tmp_path, "provider-gateway")
    again = _intake_link(tmp_path, "intake")

    assert len(intake["KETTE_GATEWAY_TOKEN"]) >= 32
    assert (
        gateway["KETTE_INTAKE_TOKEN"]
        == intake["KETTE_GATEWAY_TOKEN"]
        == again["KETTE_GATEWAY_TOKEN"]
    )
    assert gateway["KETTE_INTAKE_URL"].startswith("http://127.0.0.1:")
    assert _intake_link(tmp_path, "matching") == {}
    assert _intake_link(tmp_path, "reporting") == {}
    token_file = tmp_path / "secrets" / "gateway-intake.token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert [p.name for p in token_file.parent.iterdir()] == ["gateway-intake.token"]
