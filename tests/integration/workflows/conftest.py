"""A private chain stack per test: worker and bridge processes, private topics and task queue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from chain_stack_support import ChainStack, running_chain

from kette_devstack.scenario.player import ScenarioSettings


@pytest.fixture
async def chain_stack(
    chain_settings: ScenarioSettings, tmp_path: Path
) -> AsyncIterator[ChainStack]:
    """Worker and bridge as processes, on topics and a task queue no other test uses."""
    async with running_chain(chain_settings, tmp_path) as stack:
        yield stack
