"""The chain worker and bridge as real processes on private topics, plus what tests read back."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from kette_core.contracts.base import EventPayload
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.envelope import InvalidEvent, ReceivedEvent, decode, new_event
from kette_core.ids import stable_event_id
from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_devstack.scenario.chain_view import ChainView
from kette_devstack.scenario.cohort import ARCHETYPES_BY_KEY, CohortMember, build_cohort
from kette_devstack.scenario.player import ScenarioPlayer, ScenarioSettings
from kette_devstack.scenario.script import PlayRules
from kette_workflows.api import ChainClient, ChainEvent, ChainStateView
from kette_workflows.publication import to_contract
from kette_workflows.temporal.connect import connect_temporal
from tests.support.waiting import eventually as eventually


def member(persona_key: str) -> CohortMember:
    """One person of a given archetype with a participant id no earlier run used."""
    persona = ARCHETYPES_BY_KEY[persona_key]
    seed = uuid.uuid4().int & 0xFFFFFFFF
    return build_cohort(1, seed, datetime.now(UTC).date(), personas=(persona,)).members[0]


@dataclass
class RecordedRecord:
    """One record as it lies on the topic, decoded if it is a valid event."""

    partition: int
    offset: int
    key: bytes | None
    ce_id: str | None
    ce_type: str | None
    value: bytes | None
    event: ReceivedEvent[EventPayload] | None


@dataclass
class TopicRecorder:
    """Reads a topic from the beginning, without a group, keeping every copy of every record."""

    bootstrap: str
    topic: str
    records: list[RecordedRecord] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        consumer.subscribe([self.topic])
        await consumer.start()
        self._task = asyncio.create_task(self._read(consumer))

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    for record in records:
                        self.records.append(_recorded(record))
        finally:
            await consumer.stop()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def events_of(self, participant_id: str) -> list[RecordedRecord]:
        """Every copy of the participant's events, in topic order."""
        key = participant_id.encode()
        return [r for r in self.records if r.key == key and r.event is not None]

    def types_of(self, participant_id: str) -> list[str]:
        return [r.ce_type or "" for r in self.events_of(participant_id)]


def _recorded(record: Any) -> RecordedRecord:
    headers = {name: value.decode("utf-8", "replace") for name, value in record.headers}
    try:
        event: ReceivedEvent[EventPayload] | None = decode(record.headers, record.value)
    except InvalidEvent:
        event = None
    return RecordedRecord(
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        ce_id=headers.get("ce_id"),
        ce_type=headers.get("ce_type"),
        value=record.value,
        event=event,
    )


def expected_chain_ids(workflow_id: str, timeline: list[ChainEvent]) -> list[str]:
    """The ce_ids the chain's timeline must have produced on the topic, in order."""
    return [
        stable_event_id(payload.event_type, workflow_id, str(event.sequence), str(index))
        for event in timeline
        for index, payload in enumerate(to_contract(event))
    ]


def first_occurrences(records: list[RecordedRecord]) -> list[str]:
    """ce_ids in topic order, each once (what a de-duplicating consumer sees)."""
    seen: set[str] = set()
    ordered = []
    for record in records:
        if record.ce_id is not None and record.ce_id not in seen:
            seen.add(record.ce_id)
            ordered.append(record.ce_id)
    return ordered


class ChainProcess:
    """`python -m kette_workflows <role>` with the test's environment; can be SIGKILLed."""

    def __init__(self, role: str, env: dict[str, str], log_dir: Path) -> None:
        self.role = role
        self.env = env
        self.log_dir = log_dir
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def log_file(self) -> Path:
        return self.log_dir / f"{self.role}-{self.starts}.log"

    async def start(self) -> None:
        self.starts += 1
        with self.log_file.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "kette_workflows",
                self.role,
                env=self.env,
                stdout=log,
                stderr=log,
            )

    async def kill(self) -> None:
        """SIGKILL: no drain, no goodbye to Temporal or Kafka."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout=15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def logs(self) -> str:
        """All runs' output, for a failing test's report."""
        parts = []
        for path in sorted(self.log_dir.glob(f"{self.role}-*.log")):
            parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}")
        return "\n".join(parts)


async def worker_pollers(client: Client, task_queue: str) -> int:
    """Workers Temporal has seen polling the chain's task queue."""
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace="default",
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return len(response.pollers)


def process_env(settings: ScenarioSettings) -> dict[str, str]:
    """The KETTE_* variables that point worker and bridge at the test's queue and topics."""
    env = dict(os.environ)
    env.update(
        KETTE_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
        KETTE_TEMPORAL_ADDRESS=settings.temporal_address,
        KETTE_TASK_QUEUE=settings.task_queue,
        KETTE_BRIDGE_GROUP_ID=settings.bridge_group_id,
        KETTE_PARTICIPANTS_TOPIC=settings.participants_topic,
        KETTE_MATCHING_TOPIC=settings.matching_topic,
        KETTE_PROVIDER_STATUS_TOPIC=settings.provider_status_topic,
        KETTE_CHAIN_TOPIC=settings.chain_topic,
        KETTE_DEADLETTER_TOPIC=settings.deadletter_topic,
        KETTE_LOG_FORMAT="json",
        KETTE_LOG_LEVEL="INFO",
    )
    return env


async def send_raw(
    bootstrap: str, topic: str, value: bytes, headers: list[tuple[str, bytes]], key: bytes
) -> None:
    """A record as a broken producer would write it."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


class ChainStack:
    """Everything one test drives: publish registrations, play, read the chain topic back."""

    def __init__(
        self,
        settings: ScenarioSettings,
        client: Client,
        publisher: EventPublisher,
        worker: ChainProcess,
        bridge: ChainProcess,
        chain: TopicRecorder,
    ) -> None:
        self.settings = settings
        self.client = client
        self.chains = ChainClient(client)
        self.publisher = publisher
        self.worker = worker
        self.bridge = bridge
        self.chain = chain
        self.player: ScenarioPlayer | None = None
        self._player_task: asyncio.Task[None] | None = None

    async def register(
        self, registration: ParticipantRegistered, event_id: str | None = None
    ) -> str:
        """Publish as intake would; the stable id unless the test names another."""
        event_id = event_id or stable_event_id(registration.event_type, registration.participant_id)
        event = new_event(registration, source="/kette/intake", event_id=event_id)
        await self.publisher.publish(event, self.settings.participants_topic)
        return event_id

    def start_player(self, rules: PlayRules, pace_seconds: float = 0.0) -> ScenarioPlayer:
        self.player = ScenarioPlayer(
            self.settings, self.client, self.publisher, rules, pace_seconds=pace_seconds
        )
        self._player_task = asyncio.create_task(self.player.run())
        return self.player

    async def stop_player(self) -> None:
        if self._player_task is not None:
            self._player_task.cancel()
            await asyncio.gather(self._player_task, return_exceptions=True)

    def view(self, participant_id: str) -> ChainView | None:
        assert self.player is not None
        return self.player.book.get(participant_id)

    async def wait_for(self, condition: Callable[[], bool | Awaitable[bool]], what: str) -> None:
        """Wait; on giving up, show what the processes said."""

        def checked() -> bool | Awaitable[bool]:
            task = self._player_task
            if task is not None and task.done() and task.exception() is not None:
                raise AssertionError("the player crashed") from task.exception()
            return condition()

        try:
            await eventually(checked, what)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.worker.logs()}\n{self.bridge.logs()}") from None

    async def state(self, participant_id: str) -> ChainStateView:
        """The chain's own view; a closed chain lingers a while, so no `result()` to wait on."""
        return await self.chains.state(participant_id)

    async def timeline(self, participant_id: str) -> list[ChainEvent]:
        return await self.chains.timeline(participant_id)

    async def start_worker(self) -> None:
        await self.worker.start()
        await self.wait_for(self._worker_polls, "the chain worker to poll its task queue")

    async def _worker_polls(self) -> bool:
        process = self.worker.process
        if process is not None and process.returncode is not None:
            raise AssertionError(f"the worker exited with {process.returncode}")
        return await worker_pollers(self.client, self.settings.task_queue) > 0


@asynccontextmanager
async def running_chain(settings: ScenarioSettings, tmp_path: Path) -> AsyncIterator[ChainStack]:
    """Worker and bridge as processes on `settings`' topics; their leftovers ended afterwards."""
    client = await connect_temporal(settings)
    broker = build_broker(settings)
    await broker.start()
    chain = TopicRecorder(settings.kafka_bootstrap, settings.chain_topic)
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
        await _terminate_chains(client, settings.task_queue)


async def _terminate_chains(client: Client, task_queue: str) -> None:
    """Chains wait for years of timers; a test's leftovers should not clutter the dev server."""
    query = f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Running'"
    async for execution in client.list_workflows(query):
        await client.get_workflow_handle(execution.id).terminate("test finished")
