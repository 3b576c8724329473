"""A caseload is listed from Temporal by search attributes, on the real dev server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.programmes import load_programme
from kette_workflows.settings import WorkflowSettings
from kette_workflows.temporal.connect import connect_temporal
from kette_workflows.temporal.io import WORKFLOW_NAME, ChainInput, PublishChainEvents
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow

pytestmark = pytest.mark.integration


@activity.defn(name="publish_chain_events")
async def publish_nowhere(batch: PublishChainEvents) -> int:
    """Listing needs no Kafka; the Kafka path has its own integration tests."""
    return len(batch.events)


def profile(kommune: str, **overrides: Any) -> ParticipantProfile:
    today = datetime.now(UTC).date()
    fields: dict[str, Any] = {
        "participant_id": f"p-{uuid.uuid4()}",
        "kommune": kommune,
        "programme_id": "durchstarten",
        "eligibility_ends_on": today + timedelta(days=5 * 365),
        "residence_status": "duldung",
        "language_level": "A1",
        "school_certificate": "none",
        "vocational_qualification": "none",
        "current_activity": "none",
        "goal": {"target_stage": "apprenticeship"},
        "constraints": {"childcare_needed": False, "employment_ban": False},
        "consent_to_share": True,
    }
    return ParticipantProfile.model_validate(fields | overrides)


@pytest.fixture
async def chain_client(temporal_address: str) -> Client:
    return await connect_temporal(WorkflowSettings(temporal_address=temporal_address))


@pytest.fixture
async def worker(chain_client: Client, task_queue: str) -> AsyncIterator[str]:
    async with Worker(
        chain_client,
        task_queue=task_queue,
        workflows=[IntegrationsketteWorkflow],
        activities=[publish_nowhere],
    ):
        yield task_queue


async def listed(client: Client, query: str, expected: int) -> set[str]:
    """Visibility is eventually consistent: poll (bounded) until the count settles."""
    ids: set[str] = set()
    for _ in range(100):
        ids = {execution.id async for execution in client.list_workflows(query)}
        if len(ids) == expected:
            return ids
        await asyncio.sleep(0.1)
    return ids


async def test_a_caseworker_lists_her_kommunes_open_chains_by_stage_and_open_tasks(
    chain_client: Client, worker: str
) -> None:
    programme = load_programme("durchstarten")
    in_kamen = [
        profile("Kamen"),
        profile(
            "Kamen",
            language_level="B1",
            vocational_qualification="foreign",
            goal={"target_stage": "job"},
        ),
    ]
    soon = datetime.now(UTC).date() + timedelta(days=10)
    elsewhere = [profile("Selm", residence_status_expires_on=soon)]  # an expiry task at once
    for chain_profile in [*in_kamen, *elsewhere]:
        await chain_client.start_workflow(
            WORKFLOW_NAME,
            ChainInput(profile=chain_profile, programme=programme),
            id=f"chain-{chain_profile.participant_id}",
            task_queue=worker,
        )
    scope = f"TaskQueue = '{worker}'"

    kamen = await listed(chain_client, f"{scope} AND KetteKommune = 'Kamen'", 2)
    learning = await listed(
        chain_client, f"{scope} AND KetteKommune = 'Kamen' AND KetteStage = 'language'", 1
    )
    working = await listed(chain_client, f"{scope} AND KetteStage = 'job'", 1)
    everyone = [*in_kamen, *elsewhere]
    with_tasks = set()
    for chain_profile in everyone:
        handle = chain_client.get_workflow_handle(f"chain-{chain_profile.participant_id}")
        if await handle.query("tasks"):
            with_tasks.add(handle.id)
    waiting_on_caseworker = await listed(
        chain_client,
        f"{scope} AND KetteOpenTask = true AND KetteStatus = 'active'",
        len(with_tasks),
    )
    without_tasks = await listed(
        chain_client, f"{scope} AND KetteOpenTask = false", len(everyone) - len(with_tasks)
    )

    assert kamen == {f"chain-{p.participant_id}" for p in in_kamen}
    assert learning == {f"chain-{in_kamen[0].participant_id}"}
    assert working == {f"chain-{in_kamen[1].participant_id}"}
    assert 0 < len(with_tasks) < len(everyone), "both listings must have something to find"
    assert waiting_on_caseworker == with_tasks
    assert without_tasks == {f"chain-{p.participant_id}" for p in everyone} - with_tasks
    for chain_profile in everyone:
        await chain_client.get_workflow_handle(f"chain-{chain_profile.participant_id}").terminate()
