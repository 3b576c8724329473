"""The scenario player: stands in for matching, the providers and the caseworkers.

It reads the whole chain topic from the beginning (no consumer group), folds it into a view per
chain, and does what `script.next_actions` says is due, through real Kafka (matching and
provider-status facts with stable `ce_id`s) and a `Decider` for the caseworker's decisions with
stable Update ids: intake's decision API in `make demo` (`door.IntakeDoor`), Temporal directly
where a test plays the chain alone (`ChainDecider`). Because it derives every step from the
chain's published state, a restarted player simply picks up where the chains stand.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections import Counter
from collections.abc import Callable
from typing import Protocol

import structlog
from aiokafka import AIOKafkaConsumer
from pydantic import Field
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from kette_core.envelope import InvalidEvent, decode, new_event
from kette_core.publishing import EventPublisher
from kette_devstack.scenario.chain_view import ChainBook
from kette_devstack.scenario.door import Verdict
from kette_devstack.scenario.script import Action, Decide, PlayRules, Publish, next_actions
from kette_workflows.api import ChainClient, ChainNotFound, Decision, DecisionRejected
from kette_workflows.settings import WorkflowSettings

log = structlog.get_logger(__name__)


class ScenarioSettings(WorkflowSettings):
    """Where Kafka and Temporal are and which topics to use (KETTE_* like the chain worker)."""

    service: str = "scenario"
    pace_seconds: float = Field(
        default=1.5, ge=0, description="Average wait before each stand-in step, for watching."
    )


class Decider(Protocol):
    """Takes a caseworker's decision; a transient failure raises, the player tries again."""

    async def decide(self, participant_id: str, decision: Decision, update_id: str) -> Verdict:
        """What became of it."""
        ...


class ChainDecider:
    """Decisions as Updates straight to Temporal, for tests that play a chain without intake."""

    def __init__(self, client: Client) -> None:
        self._chains = ChainClient(client)

    async def decide(self, participant_id: str, decision: Decision, update_id: str) -> Verdict:
        try:
            await self._chains.decide(participant_id, decision, update_id=update_id)
        except DecisionRejected as rejected:
            log.info("scenario.decision_rejected", key=update_id, cause=str(rejected))
            return Verdict.REJECTED
        except ChainNotFound:
            return Verdict.TOO_LATE
        except RPCError as error:
            if error.status != RPCStatusCode.FAILED_PRECONDITION:  # finishing as it was asked
                raise
            return Verdict.TOO_LATE
        return Verdict.TAKEN


class ScenarioPlayer:
    """Plays the chains on the chain topic; `only` limits it to some participants."""

    def __init__(
        self,
        settings: ScenarioSettings,
        client: Client | None,
        publisher: EventPublisher,
        rules: PlayRules | None = None,
        *,
        pace_seconds: float | None = None,
        only: set[str] | None = None,
        resend_after_seconds: float = 30.0,
        step_timeout_seconds: float = 20.0,
        max_parallel_publishes: int = 8,
        clock: Callable[[], float] = time.monotonic,
        decider: Decider | None = None,
    ) -> None:
        if decider is None:
            if client is None:
                raise ValueError("give a Temporal client or a decider")
            decider = ChainDecider(client)
        self.settings = settings
        self.book = ChainBook()
        self.rules = rules or PlayRules()
        self.stats: Counter[str] = Counter()
        self._decider = decider
        self._publisher = publisher
        self._pace = settings.pace_seconds if pace_seconds is None else pace_seconds
        self._only = only
        self._resend_after = resend_after_seconds
        self._clock = clock
        self._step_timeout = step_timeout_seconds
        self._publish_slots = asyncio.Semaphore(max_parallel_publishes)
        self._first_seen: dict[str, float] = {}
        self._done_at: dict[str, float] = {}
        self._final: set[str] = set()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._changed = asyncio.Event()
        self._paused = False

    # -- control -------------------------------------------------------------------------

    def pause(self) -> None:
        """Stop starting new steps (tests use it to hold a chain still)."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self._changed.set()

    async def run(self) -> None:
        """Read and play until cancelled."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id="kette-scenario-player",
        )
        consumer.subscribe([self.settings.chain_topic])  # no group: every partition, from the start
        await consumer.start()
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._read(consumer))
                group.create_task(self._play())
        finally:
            for task in self._running.values():
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.gather(*self._running.values(), return_exceptions=True)
            await consumer.stop()

    # -- reading -------------------------------------------------------------------------

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            for records in batches.values():
                for record in records:
                    try:
                        event = decode(
                            record.headers,
                            record.value,
                            topic=record.topic,
                            partition=record.partition,
                            offset=record.offset,
                        )
                    except InvalidEvent as invalid:
                        log.warning("scenario.chain_record_unreadable", reason=invalid.reason)
                        continue
                    self.book.apply(event)
            if batches:
                self._changed.set()

    # -- playing -------------------------------------------------------------------------

    async def _play(self) -> None:
        tick = max(0.02, min(0.25, self._pace / 4))
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=tick)
            self._changed.clear()
            if not self._paused:
                self._start_due_steps()

    def _start_due_steps(self) -> None:
        now = self._clock()
        for view in list(self.book.views.values()):
            if self._only is not None and view.participant_id not in self._only:
                continue
            for action in next_actions(view, self.rules):
                key = action.key
                if key in self._running or key in self._final:
                    continue
                done_at = self._done_at.get(key)
                if done_at is not None and now - done_at < self._resend_after:
                    continue  # the chain has not caught up yet; a restart would resend sooner
                first_seen = self._first_seen.setdefault(key, now)
                if now - first_seen < self._delay(key):
                    continue
                task = asyncio.create_task(self._execute(action, view.participant_id))
                self._running[key] = task

    def _delay(self, key: str) -> float:
        """Between half and one and a half times the pace, fixed per step."""
        if self._pace <= 0:
            return 0.0
        spread = hashlib.sha256(key.encode()).digest()[0] / 255
        return self._pace * (0.5 + spread)

    async def _execute(self, action: Action, participant_id: str) -> None:
        key = action.key
        try:
            async with asyncio.timeout(self._step_timeout):
                if isinstance(action, Publish):
                    async with self._publish_slots:
                        await self._publish(action)
                elif await self._decide(action, participant_id):
                    self._final.add(key)
            self._done_at[key] = self._clock()
        except TimeoutError:
            # a chain without a worker, or one that cannot finish the Update: ask again later
            # (the same Update id attaches to the one already waiting)
            log.warning("scenario.step_timed_out", key=key)
            self.stats["timed_out"] += 1
            self._first_seen[key] = self._clock() + 1.0
        except Exception as error:  # transient (broker, server): try again after a pause
            log.warning("scenario.step_failed", key=key, error=f"{type(error).__name__}: {error}")
            self.stats["failed"] += 1
            self._first_seen[key] = self._clock() + 1.0
        finally:
            self._running.pop(key, None)
            self._changed.set()

    async def _publish(self, action: Publish) -> None:
        if action.channel == "matching":
            topic, source = self.settings.matching_topic, "/kette/scenario/matching"
        else:
            topic, source = self.settings.provider_status_topic, "/kette/scenario/providers"
        event = new_event(action.payload, source=source, event_id=action.event_id)
        await self._publisher.publish(event, topic)
        self.stats[f"published.{action.channel}"] += 1
        if action.key in self._done_at:
            self.stats["republished"] += 1

    async def _decide(self, action: Decide, participant_id: str) -> bool:
        """True once the chain took the decision or is gone; a rejection may be retried later."""
        verdict = await self._decider.decide(participant_id, action.decision, action.update_id)
        if verdict is Verdict.REJECTED:
            self.stats["decisions.rejected"] += 1
            return False
        if verdict is Verdict.TOO_LATE:
            self.stats["decisions.too_late"] += 1
            return True
        self.stats[f"decisions.{action.decision.name}"] += 1
        return True
