"""Intake on both databases; the chain's real-stack fixture is shared with the workflows tests."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).parents[1] / "workflows"))  # chain_stack_support

from intake_support import IntakeUnderTest, intake_settings, running_intake

from tests.integration.workflows.conftest import chain_stack

__all__ = ["chain_stack"]


@pytest.fixture
async def intake(database_url: str) -> AsyncIterator[IntakeUnderTest]:
    """Intake with a migrated database of its own; the relay hands events to a recorder."""
    async with running_intake(intake_settings(database_url)) as service:
        yield service
