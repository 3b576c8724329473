"""A caseload is listed from Temporal by search attributes, on the real dev server."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from kette_core.contracts.vocabulary import Stage
from kette_workflows.api import (
    CaseloadEntry,
    ChainClient,
    ChainInput,
    ParticipantProfile,
    chain_workflow_id,
)
from kette_workflows.programmes import load_programme
from kette_workflows.settings import WorkflowSettings
from kette_workflows.temporal.connect import connect_temporal
from kette_workflows.temporal.io import PublishChainEvents
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow
from tests.support.profiles import learner_profile

pytestmark = pytest.mark.integration
SETTLE_SECONDS = 30.0
"""Bounds a wait for the worker and the visibility store; ten seconds were tight on two
busy cores."""


@activity.defn(name="publish_chain_events")
async def publish_nowhere(batch: PublishChainEvents) -> int:
    """Listing needs no Kafka; the Kafka path has its own integration tests."""
    return len(batch.events)


@pytest.fixture
async def temporal(temporal_address: str) -> Client:
    return await connect_temporal(WorkflowSettings(temporal_address=temporal_address))


@pytest.fixture
async def chains(temporal: Client, task_queue: str) -> AsyncIterator[ChainClient]:
    """A chain worker on a private queue; the chains a test starts end with it."""
    started: list[str] = []
    async with Worker(
        temporal,
        task_queue=task_queue,
        workflows=[IntegrationsketteWorkflow],
        activities=[publish_nowhere],
    ):
        yield ChainClient(temporal)
        async for execution in temporal.list_workflows(f"TaskQueue = '{task_queue}'"):
            started.append(execution.id)
        await asyncio.gather(*(temporal.get_workflow_handle(i).terminate() for i in started))


async def start(temporal: Client, task_queue: str, *profiles: ParticipantProfile) -> None:
    programme = load_programme("durchstarten")
    for profile in profiles:
        await temporal.start_workflow(
            IntegrationsketteWorkflow.run,
            ChainInput(profile=profile, programme=programme),
            id=chain_workflow_id(profile.participant_id),
            task_queue=task_queue,
        )


async def listed(chains: ChainClient, expected: set[str], **filters: Any) -> set[str]:
    """Visibility is eventually consistent: poll (bounded) until the listing settles."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        ids = {entry.participant_id for entry in await chains.caseload(**filters)}
        if ids == expected or time.monotonic() > deadline:
            return ids
        await asyncio.sleep(0.1)


async def first_task(chains: ChainClient, participant_id: str) -> None:
    """The expiry timer fires on the chain's first turn, a moment after the start."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while not await chains.tasks(participant_id):
        if time.monotonic() > deadline:
            raise AssertionError(f"{participant_id} opened no task")
        await asyncio.sleep(0.1)


def kommune(name: str) -> str:
    """A Kommune no other test run lists, so the dev server's other chains stay out."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


async def test_a_caseworker_lists_her_kommunes_open_chains_by_stage_and_open_tasks(
    temporal: Client, chains: ChainClient, task_queue: str
) -> None:
    today = datetime.now(UTC).date()
    kamen, selm = kommune("Kamen"), kommune("Selm")
    learner = learner_profile(today, kommune=kamen)
    job_seeker = learner_profile(
        today,
        kommune=kamen,
        language_level="B1",
        vocational_qualification="foreign",
        goal={"target_stage": "job"},
    )
    expiring = learner_profile(  # a Duldung expiry task at once
        today, kommune=kamen, residence_status_expires_on=today + timedelta(days=10)
    )
    elsewhere = learner_profile(today, kommune=selm)
    in_kamen = {p.participant_id for p in (learner, job_seeker, expiring)}
    await start(temporal, task_queue, learner, job_seeker, expiring, elsewhere)
    await first_task(chains, expiring.participant_id)
    with_tasks = {pid for pid in in_kamen if await chains.tasks(pid)}

    assert await listed(chains, in_kamen, kommune=kamen) == in_kamen
    assert await listed(chains, {elsewhere.participant_id}, kommune=selm) == {
        elsewhere.participant_id
    }
    learning = {learner.participant_id, expiring.participant_id}
    assert await listed(chains, learning, kommune=kamen, stage=Stage.LANGUAGE) == learning
    working = {job_seeker.participant_id}
    assert await listed(chains, working, kommune=kamen, stage=Stage.JOB) == working
    assert 0 < len(with_tasks) < len(in_kamen), "both listings must have something to find"
    waiting = await listed(chains, with_tasks, kommune=kamen, open_task=True, status="active")
    assert waiting == with_tasks
    assert await listed(chains, in_kamen - with_tasks, kommune=kamen, open_task=False) == (
        in_kamen - with_tasks
    )
    entries = await chains.caseload(kommune=kamen, stage=Stage.JOB)
    assert entries == [
        CaseloadEntry(
            participant_id=job_seeker.participant_id,
            kommune=kamen,
            stage=Stage.JOB,
            status="active",
            open_task=job_seeker.participant_id in with_tasks,
        )
    ]


async def test_a_kommune_name_with_a_quote_is_matched_exactly_and_cannot_widen_the_query(
    temporal: Client, chains: ChainClient, task_queue: str
) -> None:
    today = datetime.now(UTC).date()
    odd, plain = kommune("Sankt Peter's"), kommune("Kamen")
    quoted, other = learner_profile(today, kommune=odd), learner_profile(today, kommune=plain)
    await start(temporal, task_queue, quoted, other)

    assert await listed(chains, {quoted.participant_id}, kommune=odd) == {quoted.participant_id}
    assert await listed(chains, {other.participant_id}, kommune=plain) == {other.participant_id}
    for widening in (f"{plain}' OR KetteKommune != '", f"{plain}\\' OR KetteKommune != '"):
        assert await chains.caseload(kommune=widening) == []
