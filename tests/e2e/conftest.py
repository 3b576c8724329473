"""Browser tests: Debian's chromium driven by Playwright against intake on the real chain.

One stack per session (worker, bridge, matching, intake on private topics), one fresh browser
context per test. Playwright never downloads a browser: it launches /usr/bin/chromium, which
the chromium helper installs with apt-get on a fresh (root) CI machine.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from temporalio.client import Client

from kette_devstack import kafka_admin
from kette_devstack.chromium import LAUNCH_ARGS, ensure_chromium
from kette_devstack.errors import StackError
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin import TopicSpec
from kette_devstack.scenario.player import ScenarioSettings
from kette_devstack.stack import Stack
from kette_workflows.api import ChainClient
from kette_workflows.temporal.connect import connect_temporal
from tests.e2e.intake_browser_support import BrowserStack, IntakeProcess
from tests.integration.matching.matching_stack_support import MatchingProcess
from tests.integration.workflows.chain_stack_support import (
    ChainProcess,
    eventually,
    process_env,
    worker_pollers,
)

TOPICS = ("participants", "matching", "provider-status", "chain", "deadletter", "access")


@pytest.fixture(scope="session")
def chromium(devstack: Stack) -> Path:
    """Debian's chromium, installed first when missing (root, apt-get), else a clear fix."""
    try:
        return ensure_chromium(devstack.intake.state_dir, print)
    except StackError as exc:
        pytest.fail(f"chromium: {exc.cause}\nfix: {exc.fix}", pytrace=False)


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """One headless chromium for the session; contexts keep the tests apart."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=[*LAUNCH_ARGS, "--lang=de-DE"], headless=True
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh context (no cookies) in German, at a laptop's size for the screenshots."""
    context = await browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    opened = await context.new_page()
    yield opened
    await context.close()


@pytest.fixture(scope="session")
async def browser_stack(
    kafka_node: KafkaNode, temporal_address: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BrowserStack]:
    """Worker, bridge, matching and intake as processes on topics and a queue of their own."""
    run = uuid.uuid4().hex[:10]
    topics = {name: f"test.e2e-{name}-{run}" for name in TOPICS}
    connection = kafka_node.connection()
    await kafka_admin.ensure_topics(connection, [TopicSpec(t, 1, {}) for t in topics.values()])
    folder = tmp_path_factory.mktemp("browser-stack")
    settings = ScenarioSettings(
        kafka_bootstrap=kafka_node.bootstrap,
        temporal_address=temporal_address,
        task_queue=f"test-e2e-{run}",
        bridge_group_id=f"kette.workflows.bridge.e2e-{run}",
        participants_topic=topics["participants"],
        matching_topic=topics["matching"],
        provider_status_topic=topics["provider-status"],
        chain_topic=topics["chain"],
        deadletter_topic=topics["deadletter"],
        pace_seconds=0,
    )
    client = await connect_temporal(settings)
    env = process_env(settings)
    matching = MatchingProcess(env, folder, group_id=f"kette.matching.e2e-{run}")
    stack = BrowserStack(
        settings=settings,
        chains=ChainClient(client),
        worker=ChainProcess("worker", env, folder),
        bridge=ChainProcess("bridge", env, folder),
        matching=matching,
        intake=IntakeProcess(env | {"KETTE_MATCHING_URL": matching.url}, folder, topics["access"]),
    )
    try:
        await stack.matching.start()
        await eventually(stack.matching.ready, "matching to be ready")
        await stack.bridge.start()
        await stack.worker.start()
        await eventually(
            lambda: _polled(client, settings.task_queue), "the chain worker to poll its queue"
        )
        await stack.intake.start()
        yield stack
    finally:
        for process in (stack.intake, stack.matching, stack.bridge, stack.worker):
            await process.stop()
        query = f"TaskQueue = '{settings.task_queue}' AND ExecutionStatus = 'Running'"
        async for execution in client.list_workflows(query):
            await client.get_workflow_handle(execution.id).terminate("test finished")
        await kafka_admin.delete_topics(connection, list(topics.values()))


async def _polled(client: Client, task_queue: str) -> bool:
    return await worker_pollers(client, task_queue) > 0
