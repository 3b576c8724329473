"""One way to reach Temporal: pydantic models on the wire, for workflows and their callers alike."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from kette_workflows.settings import WorkflowSettings


async def connect_temporal(settings: WorkflowSettings) -> Client:
    """Clients and workers must share the pydantic converter, or payloads will not decode."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )
