"""The admin API rotates and revokes a provider's Kafka login through the credentials command,
a real subprocess here; without one, rotation is refused and revocation still ends the keys."""

from __future__ import annotations

import shlex
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from faststream.kafka import KafkaBroker
from gateway_component_support import ADMIN_TOKEN, FakeProvisioner

from kette_provider_gateway.app import build, create_app, migrate
from kette_provider_gateway.providers.credentials import credentials_for
from kette_provider_gateway.providers.service import onboard
from kette_provider_gateway.settings import GatewaySettings

pytestmark = pytest.mark.component

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
Admin = tuple[httpx.AsyncClient, str]
"""The admin API and alpha's API key."""


def _recording(log: Path, exit_code: int = 0) -> str:
    """A credentials command that appends `<action> <provider_id>` to a file, then exits."""
    script = (
        "import sys; open(sys.argv[1], 'a').write(sys.argv[2] + ' ' + sys.argv[3] + '\\n'); "
        f"sys.exit({exit_code})"
    )
    python = shlex.quote(sys.executable)
    return f"{python} -c {shlex.quote(script)} {shlex.quote(str(log))} {{action}} {{provider_id}}"


@pytest.fixture
def admin_api(tmp_path: Path) -> Callable[[str | None], AbstractAsyncContextManager[Admin]]:
    """A gateway with alpha registered and the given credentials command (or none)."""

    @asynccontextmanager
    async def running(command: str | None) -> AsyncIterator[Admin]:
        settings = GatewaySettings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
            admin_token=ADMIN_TOKEN,
            credentials_command=command,
        )
        await migrate(settings.resolved_database_url())
        gateway = build(settings, KafkaBroker(), FakeProvisioner())
        done = await onboard(gateway.sessions, gateway.provisioner, "alpha", "Alpha", "/test")
        transport = httpx.ASGITransport(app=create_app(gateway))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
                yield client, done.api_key
        finally:
            await gateway.engine.dispose()

    return running


async def _key_works(api: httpx.AsyncClient, api_key: str) -> bool:
    """An empty report is refused as invalid (422) for a valid key, as unauthorised otherwise."""
    answer = await api.post("/api/reports", json={}, headers={"Authorization": f"Bearer {api_key}"})
    return answer.status_code != 401


async def test_rotation_and_revocation_run_the_credentials_command_with_action_and_provider(
    admin_api: Callable[[str | None], AbstractAsyncContextManager[Admin]], tmp_path: Path
) -> None:
    log = tmp_path / "tooling.log"
    async with admin_api(_recording(log)) as (api, api_key):
        rotated = await api.post("/admin/providers/alpha/kafka-credentials", headers=ADMIN)
        assert rotated.status_code == 200, rotated.text
        assert rotated.json() == {"provider_id": "alpha", "principal": "provider.alpha"}
        assert await _key_works(api, api_key)  # a new Kafka password leaves the API key alone

        revoked = await api.delete("/admin/providers/alpha", headers=ADMIN)

        assert revoked.status_code == 204
        assert log.read_text().splitlines() == ["rotate alpha", "revoke alpha"]
        assert not await _key_works(api, api_key)
        again = await api.post("/admin/providers/alpha/kafka-credentials", headers=ADMIN)
        assert again.status_code == 404
        assert len(log.read_text().splitlines()) == 2


async def test_a_failing_revocation_leaves_the_provider_active_so_the_admin_can_retry(
    admin_api: Callable[[str | None], AbstractAsyncContextManager[Admin]], tmp_path: Path
) -> None:
    async with admin_api(_recording(tmp_path / "tooling.log", exit_code=3)) as (api, api_key):
        revoked = await api.delete("/admin/providers/alpha", headers=ADMIN)

        assert revoked.status_code == 502
        assert revoked.json()["detail"][0]["reason"] == "provisioning_failed"
        assert "exited 3" in revoked.json()["detail"][0]["message"]
        assert await _key_works(api, api_key)


async def test_without_a_credentials_command_rotation_is_refused_and_revocation_ends_the_keys(
    admin_api: Callable[[str | None], AbstractAsyncContextManager[Admin]],
) -> None:
    async with admin_api(None) as (api, api_key):
        rotated = await api.post("/admin/providers/alpha/kafka-credentials", headers=ADMIN)
        assert rotated.status_code == 502
        assert "KETTE_CREDENTIALS_COMMAND" in rotated.json()["detail"][0]["message"]

        revoked = await api.delete("/admin/providers/alpha", headers=ADMIN)

        assert revoked.status_code == 204
        assert not await _key_works(api, api_key)


def test_a_credentials_command_without_an_action_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="action"):
        credentials_for("kette-stack provider rotate {provider_id}")
