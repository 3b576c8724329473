"""Registering a provider first runs the admin tooling; if that fails, nothing is stored."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from gateway_component_support import Harness

from kette_provider_gateway.providers import repository
from kette_provider_gateway.providers.provisioning import AdminCommand, ProvisioningFailed
from kette_provider_gateway.providers.service import onboard

pytestmark = pytest.mark.component

PYTHON = shlex.quote(sys.executable)


async def test_the_admin_command_runs_with_the_provider_id(tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    script = f"import sys; open({str(seen)!r}, 'w').write(sys.argv[1])"
    command = AdminCommand(f"{PYTHON} -c {shlex.quote(script)} {{provider_id}}")

    await command.provision("vhs-unna")

    assert seen.read_text() == "vhs-unna"


async def test_a_failing_admin_command_leaves_no_provider_behind(harness: Harness) -> None:
    script = "import sys; print('Kafka is not running'); sys.exit(3)"
    command = AdminCommand(f"{PYTHON} -c {shlex.quote(script)} {{provider_id}}")

    with pytest.raises(ProvisioningFailed, match="exited 3: Kafka is not running"):
        await onboard(harness.gateway.sessions, command, "gamma", "Gamma", "/test")

    async with harness.gateway.sessions() as session:
        assert await repository.get_provider(session, "gamma") is None


def test_a_command_without_the_provider_id_placeholder_is_refused() -> None:
    with pytest.raises(ValueError, match="provider_id"):
        AdminCommand("kette-stack provider add")
