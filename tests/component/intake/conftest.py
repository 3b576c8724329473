"""Intake's screens on SQLite, with Kafka recorded and the chain played by the pure domain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.component.intake.intake_web_support import WebUnderTest, running_web


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[WebUnderTest]:
    """A fresh intake with its own database per test."""
    async with running_web(f"sqlite+aiosqlite:///{tmp_path}/intake.db") as service:
        yield service
