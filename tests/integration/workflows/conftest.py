"""A private chain stack per test: worker and bridge processes, private topics and task queue."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from chain_stack_support import ChainProcess, ChainStack, TopicRecorder, process_env
from temporalio.client import Client

from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_devstack.scenario.player import ScenarioSettings
from kette_workflows.temporal.connect import connect_temporal

NewTopic = Callable[..., Awaitable[str]]


@pytest.fixture
async def chain_stack(
    kafka_bootstrap: str,
    temporal_address: str,
    new_topic: NewTopic,
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[ChainStack]:
    """Worker and bridge as processes, on topics and a task queue no other test uses."""
    settings = ScenarioSettings(
        kafka_bootstrap=kafka_bootstrap,
        temporal_address=temporal_address,
        task_queue=task_queue,
        bridge_group_id=f"kette.workflows.bridge.{task_queue}",
        participants_topic=await new_topic("participants"),
        matching_topic=await new_topic("matching"),
        provider_status_topic=await new_topic("provider-status"),
        chain_topic=await new_topic("chain"),
        deadletter_topic=await new_topic("deadletter"),
        pace_seconds=0,
    )
    client = await connect_temporal(settings)
    broker = build_broker(settings)
    await broker.start()
    chain = TopicRecorder(kafka_bootstrap, settings.chain_topic)
    await chain.start()
    env = process_env(settings)
    stack = ChainStack(
        settings,
        client,
        EventPublisher(broker),
        ChainProcess("worker", env, tmp_path),
        ChainProcess("bridge", env, tmp_path),
        chain,
    )
    try:
        await stack.bridge.start()
        await stack.start_worker()
        yield stack
    finally:
        await stack.stop_player()
        await stack.bridge.stop()
        await stack.worker.stop()
        await chain.stop()
        await broker.stop()
        await _terminate_chains(client, task_queue)


async def _terminate_chains(client: Client, task_queue: str) -> None:
    """Chains wait for years of timers; a test's leftovers should not clutter the dev server."""
    query = f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Running'"
    async for execution in client.list_workflows(query):
        await client.get_workflow_handle(execution.id).terminate("test finished")
