"""The matching service on FastStream's in-memory broker and a SQLite file, seeded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from matching_component_support import TOKEN_SECRET, Harness, token

from kette_core.contracts.vocabulary import ActorRole
from kette_matching.app import build, create_app, prepare
from kette_matching.settings import MatchingSettings


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test module changes by overriding this fixture."""
    return {}


@pytest.fixture
async def harness(tmp_path: Path, settings_overrides: dict[str, Any]) -> AsyncIterator[Harness]:
    """Consumer and relay running; the test publishes requests and reads answers."""
    settings = MatchingSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'matching.db'}",
        seed_catalogue=True,
        **({"token_secret": TOKEN_SECRET} | settings_overrides),
    )
    broker = KafkaBroker()
    matching = build(settings, broker)
    harness = Harness(matching)
    await prepare(matching)
    async with TestKafkaBroker(broker) as test_broker:
        harness.broker = test_broker
        matching.relay.start()
        try:
            yield harness
        finally:
            await matching.relay.stop()
    await matching.engine.dispose()


@pytest.fixture
async def api(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP straight into the app as a coordinator (no lifespan: the harness runs the rest)."""
    transport = httpx.ASGITransport(app=create_app(harness.matching))
    headers = {"Authorization": f"Bearer {token(ActorRole.COORDINATOR)}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://matching", headers=headers
    ) as client:
        yield client
