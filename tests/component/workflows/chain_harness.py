"""Drives the chain workflow on Temporal's time-skipping test server, with events recorded."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from kette_core.contracts.vocabulary import Stage
from kette_workflows.api import (
    ChainClient,
    ChainEvent,
    ChainInput,
    ChainStateView,
    Decision,
    DecisionResult,
    MatchResult,
    ParticipantProfile,
    ProposedOffer,
    ProviderReport,
    ReportKind,
    Task,
    chain_workflow_id,
)
from kette_workflows.domain.events import ReferralConfirmed
from kette_workflows.programmes import load_programme
from kette_workflows.temporal.io import MatchSignal, PublishChainEvents, ReportSignal
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow

CASEWORKER = "cw-4b1d2c"
SETTLE_SECONDS = 30.0
"""Bounds the wait for the worker's publish activity, which a busy machine can delay."""


class RecordingPublisher:
    """Stands in for Kafka in timer tests; the Kafka path has its own integration tests."""

    def __init__(self) -> None:
        self.events: list[ChainEvent] = []
        self._open = asyncio.Event()
        self._open.set()

    @activity.defn(name="publish_chain_events")
    async def publish_chain_events(self, batch: PublishChainEvents) -> int:
        await self._open.wait()
        self.events.extend(batch.events)
        return len(batch.events)

    def hold(self) -> None:
        """Keep the next publication in flight (Kafka slow), so a test can act meanwhile."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]


class ChainDriver:
    """Plays matching, provider and caseworker against one running chain workflow."""

    def __init__(
        self, handle: WorkflowHandle[Any, Any], recorder: RecordingPublisher, chains: ChainClient
    ) -> None:
        self.handle = handle
        self.recorder = recorder
        self.chains = chains
        self.participant_id = handle.id.removeprefix(chain_workflow_id(""))
        self._inputs = 0

    def _input_id(self) -> str:
        self._inputs += 1
        return f"in-{self._inputs}"

    async def request_id(self, stage: Stage) -> str:
        """The open match request of a stage, read from the published timeline."""
        for event in reversed(await self.timeline()):
            if event.kind == "referral_requested" and event.stage == stage:  # type: ignore[union-attr]
                return str(event.request_id)  # type: ignore[union-attr]
        raise AssertionError(f"no referral requested for {stage}")

    async def timeline(self) -> list[ChainEvent]:
        return await self.chains.timeline(self.participant_id)

    async def state(self) -> ChainStateView:
        return await self.chains.state(self.participant_id)

    async def tasks(self) -> list[Task]:
        return await self.chains.tasks(self.participant_id)

    async def snapshot(self) -> tuple[ChainStateView, list[ChainEvent], list[Task]]:
        """What a caseworker's screen shows: state, timeline and open tasks."""
        return await self.state(), await self.timeline(), await self.tasks()

    async def settled(self, seconds: float = SETTLE_SECONDS) -> ChainStateView:
        """Wait (bounded) until the chain's latest event has been published; returns state."""
        deadline = time.monotonic() + seconds
        while True:
            state = await self.state()
            if state.published_up_to == state.last_sequence:
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"chain never settled: {state}")
            await asyncio.sleep(0.01)

    async def propose(
        self, stage: Stage, *offer_ids: str, provider: str = "vhs-unna"
    ) -> MatchSignal:
        """Signal matching's proposal; returns the signal so a test can deliver it again."""
        offers = [
            ProposedOffer(offer_id=offer_id, provider_id=provider, rank=rank)
            for rank, offer_id in enumerate(offer_ids, start=1)
        ]
        result = MatchResult(request_id=await self.request_id(stage), offers=offers)
        signal = MatchSignal(input_id=self._input_id(), result=result)
        await self.redeliver(signal)
        return signal

    async def redeliver(self, signal: MatchSignal) -> None:
        """What the bridge does when Kafka hands it matching's answer (again)."""
        await self.handle.signal(IntegrationsketteWorkflow.offers_proposed, signal)

    async def decide(self, decision: Decision) -> DecisionResult:
        return await self.chains.decide(self.participant_id, decision)

    async def referral(self, stage: Stage) -> ReferralConfirmed:
        for event in reversed(await self.timeline()):
            if isinstance(event, ReferralConfirmed) and event.stage == stage:
                return event
        raise AssertionError(f"no referral confirmed for {stage}")

    async def referral_id(self, stage: Stage) -> str:
        return (await self.referral(stage)).referral_id

    async def report(self, stage: Stage, kind: ReportKind, on: date, **details: Any) -> None:
        """The provider holding the stage's referral reports."""
        referral = await self.referral(stage)
        report = ProviderReport(
            report_id=self._input_id(),
            referral_id=referral.referral_id,
            provider_id=referral.provider_id,
            kind=kind,
            reported_on=on,
            **details,
        )
        await self.handle.signal(
            IntegrationsketteWorkflow.provider_reported,
            ReportSignal(input_id=report.report_id, report=report),
        )


async def now_of(env: WorkflowEnvironment) -> datetime:
    """The test server's clock, which time skipping moves."""
    return (await env.get_current_time()).astimezone(UTC)


@asynccontextmanager
async def running_chain(
    env: WorkflowEnvironment,
    chain_profile: ParticipantProfile,
    programme_id: str = "durchstarten",
    *,
    history_events_before_continue: int | None = None,
) -> AsyncIterator[ChainDriver]:
    """Worker plus one started chain; the worker stops when the block ends."""
    limits: dict[str, Any] = {}
    if history_events_before_continue is not None:
        limits["history_events_before_continue"] = history_events_before_continue
    start = ChainInput(profile=chain_profile, programme=load_programme(programme_id), **limits)
    recorder = RecordingPublisher()
    client: Client = env.client
    task_queue = f"tq-{uuid.uuid4()}"
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[IntegrationsketteWorkflow],
        activities=[recorder.publish_chain_events],
    ):
        handle = await client.start_workflow(
            IntegrationsketteWorkflow.run,
            start,
            id=chain_workflow_id(chain_profile.participant_id),
            task_queue=task_queue,
        )
        driver = ChainDriver(handle, recorder, ChainClient(client))
        try:
            yield driver
        finally:
            # a chain left running without a worker would hold the test server's clock still,
            # and so would a publication cut off by terminating: let it finish first
            recorder.release()
            with contextlib.suppress(AssertionError):
                await driver.settled()
            description = await handle.describe()
            if description.status == WorkflowExecutionStatus.RUNNING:
                await handle.terminate("test finished")
