"""Fixtures of the workflow domain tests; the builders live in workflow_builders."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from workflow_builders import Driver, start_chain


@pytest.fixture
def start() -> Callable[..., Driver]:
    """Start a chain at START for a profile built from overrides."""
    return start_chain
