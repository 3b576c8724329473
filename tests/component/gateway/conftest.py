"""The gateway on FastStream's in-memory broker and a SQLite file, providers alpha and beta."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from gateway_component_support import ADMIN_TOKEN, PROVIDERS, FakeProvisioner, Harness

from kette_provider_gateway.app import build, create_app, prepare
from kette_provider_gateway.providers.service import onboard
from kette_provider_gateway.settings import GatewaySettings


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """Consumers and relay running; alpha and beta registered with one key each."""
    settings = GatewaySettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
        admin_token=ADMIN_TOKEN,
        reports_per_minute=60,
        max_request_bytes=2048,
        webhook_retry_seconds=0.05,
        webhook_max_attempts=4,
    )
    gateway = build(settings, KafkaBroker(), FakeProvisioner())
    await prepare(gateway)  # migrates; no provider yet
    keys = {}
    for provider_id in PROVIDERS:
        done = await onboard(gateway.sessions, gateway.provisioner, provider_id, "Org", "/test")
        keys[provider_id] = done.api_key
    await prepare(gateway)  # now subscribes the providers' reports topics
    harness = Harness(gateway)
    harness.keys.update(keys)
    async with TestKafkaBroker(gateway.broker) as test_broker:
        harness.broker = test_broker
        gateway.relay.start()
        gateway.webhooks.start()
        try:
            yield harness
        finally:
            await gateway.webhooks.stop()
            await gateway.relay.stop()
    await gateway.engine.dispose()


@pytest.fixture
async def api(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP straight into the app (no lifespan: the harness runs consumers and relay)."""
    transport = httpx.ASGITransport(app=create_app(harness.gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client
