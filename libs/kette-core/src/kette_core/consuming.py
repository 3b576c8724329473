"""Typed FastStream subscribers: valid events reach handlers, invalid records the dead letters.

A handler's failure is permanent (`PermanentFailure`, a `ValidationError`, an
`ArithmeticError`: trying again gives the same result) or transient (anything else: a
broker, database or Temporal that does not answer). A permanent one is dead-lettered like
an invalid record and the consumer moves on; a transient one rewinds the partitions to the
records not yet handled and tries again after a growing pause (`kette_core.retrying`).
"""

# No `from __future__ import annotations`: FastStream resolves the subscriber's parameter types.

import dataclasses
import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from itertools import chain
from typing import Any, Literal, Protocol, TypeVar, cast

import structlog
from aiokafka import TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.subscriber.usecase import BatchSubscriber
from faststream.message import StreamMessage
from pydantic import ValidationError
from structlog.contextvars import bind_contextvars, reset_contextvars

from kette_core.consumer_health import CONSUMERS, ConsumerHealth, Consumers, HighWater
from kette_core.contracts.base import EventPayload
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.registry import channel_of, types_on
from kette_core.envelope import (
    InvalidEvent,
    ReceivedEvent,
    decode,
    new_event,
    readable_header,
    validation_problem,
)
from kette_core.ids import stable_event_id
from kette_core.publishing import EventPublisher
from kette_core.retrying import Backoff, Retrying

log = structlog.get_logger(__name__)


def _log_context_variables() -> tuple[ContextVar[Any], ContextVar[Any]]:
    """structlog's context variables for the two ids, found through its public API."""
    tokens = bind_contextvars(event_id=None, participant_id=None)
    reset_contextvars(**tokens)
    return tokens["event_id"].var, tokens["participant_id"].var


_EVENT_ID, _PARTICIPANT_ID = _log_context_variables()

P = TypeVar("P", bound=EventPayload)
Handler = Callable[[ReceivedEvent[P]], Awaitable[None]]
MAX_REASON_LENGTH = 2000
IDLE_LOOK_MS = 1000
"""How long a subscription's loop waits on aiokafka's fetched records before it looks again;
records end the wait at once, so this costs no latency, only idle wake-ups."""


class PermanentFailure(Exception):
    """A handler's verdict that no retry can help (an unknown reference, a broken rule)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


PERMANENT_FAILURES: tuple[type[Exception], ...] = (
    PermanentFailure,
    ValidationError,
    ArithmeticError,
)
"""What a handler raises on input that will fail the same way every time."""


def failure_reason(error: Exception) -> InvalidEvent:
    """A handler's permanent failure in dead-letter words: fields and rules, never values."""
    if isinstance(error, PermanentFailure):
        return InvalidEvent("handler", error.reason)
    if isinstance(error, ValidationError):
        field_name, problem = validation_problem(error)
        return InvalidEvent("handler", f"{error.title} field {field_name}: {problem}")
    return InvalidEvent("handler", f"{type(error).__name__}: {error}")


def _misplaced(event_type: str, topic: str, channel: str) -> InvalidEvent:
    """A valid type on a topic the contract does not assign it to."""
    where = topic if topic == channel else f"{topic} (as {channel})"
    return InvalidEvent("ce_type", f"{event_type} does not belong on {where}")


def _wrong_key(key: bytes | None) -> InvalidEvent:
    """A key other than the participant would put their records on another partition."""
    if key is None:
        return InvalidEvent("key", "missing, expected the participant id of ce_subject")
    return InvalidEvent("key", "does not match ce_subject (the participant id)")


class BatchInterrupted(Exception):
    """A transient failure at `records[index]`; the records before it were dealt with."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(f"record {index} of the batch: {type(error).__name__}: {error}")
        self.index = index
        self.error = error


class RawRecord(Protocol):
    """The parts of a Kafka consumer record we read (aiokafka's ConsumerRecord fits)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


def decode_record(record: RawRecord) -> ReceivedEvent[EventPayload]:
    """`decode` a consumer record, remembering where it was read."""
    return decode(
        record.headers,
        record.value,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
    )


class EventHandlers:
    """Handlers by payload type, so one subscriber can serve every type on a topic."""

    def __init__(self) -> None:
        self._by_type: dict[str, Handler[Any]] = {}

    def add(self, payload_type: type[P], handler: Handler[P]) -> None:
        """Register the handler of one event type."""
        if payload_type.event_type in self._by_type:
            raise ValueError(f"{payload_type.event_type} already has a handler")
        self._by_type[payload_type.event_type] = handler

    def on(self, payload_type: type[P]) -> Callable[[Handler[P]], Handler[P]]:
        """Decorator form of `add`."""

        def register(handler: Handler[P]) -> Handler[P]:
            self.add(payload_type, handler)
            return handler

        return register

    def handler_for(self, event_type: str) -> Handler[Any] | None:
        """The handler of a type, or None when this consumer does not care about it."""
        return self._by_type.get(event_type)

    async def dispatch(self, event: ReceivedEvent[Any]) -> None:
        """Hand the event to its handler, with its ids bound for the handler's log lines."""
        handler = self._by_type.get(event.type)
        if handler is None:
            log.debug(
                "consumer.event_ignored",
                ce_type=event.type,
                event_id=event.id,
                participant_id=event.subject,
            )
            return
        with IdsBound(event):
            await handler(event)

    async def dispatch_batch(self, events: Sequence[ReceivedEvent[Any]]) -> bool:
        """Deal with a batch's events as one unit of work; False: this registry cannot.

        Plain handlers cannot (an effect that is not the inbox's could not be undone), so
        the consumer dispatches record by record; `kette_core.inbox.InboxHandlers` can.
        """
        return False


class IdsBound:
    """The event's ids bound for log lines within; what `bind_ids` does, at a fifth of its cost."""

    __slots__ = ("_event", "_tokens")

    def __init__(self, event: ReceivedEvent[Any]) -> None:
        self._event = event

    def __enter__(self) -> None:
        subject = self._event.subject
        self._tokens = (
            _EVENT_ID.set(self._event.id),
            None if subject is None else _PARTICIPANT_ID.set(subject),
        )

    def __exit__(self, *_: object) -> None:
        event_token, participant_token = self._tokens
        if participant_token is not None:
            _PARTICIPANT_ID.reset(participant_token)
        _EVENT_ID.reset(event_token)


class DeadLetters:
    """Writes a reason and a fingerprint, never the record itself (it may hold personal data)."""

    def __init__(self, publisher: EventPublisher, source: str, topic: str | None = None) -> None:
        self._publisher = publisher
        self._source = source
        self._topic = topic

    async def record(self, record: RawRecord, consumer_group: str, invalid: InvalidEvent) -> None:
        """Publish the dead-letter event; the same record always yields the same ce_id."""
        value = record.value or b""
        payload = DeadLetterRecorded(
            original_topic=record.topic,
            original_partition=record.partition,
            original_offset=record.offset,
            consumer_group=consumer_group,
            original_ce_type=readable_header(record.headers, "ce_type"),
            original_ce_id=readable_header(record.headers, "ce_id"),
            reason=invalid.reason[:MAX_REASON_LENGTH],
            value_sha256=hashlib.sha256(value).hexdigest(),
            value_size=len(value),
        )
        event_id = stable_event_id(
            DeadLetterRecorded.event_type,
            record.topic,
            str(record.partition),
            str(record.offset),
            consumer_group,
        )
        event = new_event(payload, source=self._source, event_id=event_id)
        await self._publisher.publish(event, topic=self._topic)
        log.warning(
            "deadletter.recorded",
            original_topic=record.topic,
            original_partition=record.partition,
            original_offset=record.offset,
            reason=payload.reason,
        )


class EventConsumer:
    """Decode, dead-letter or dispatch one record; plain logic, no FastStream inside."""

    def __init__(
        self,
        handlers: EventHandlers,
        dead_letters: DeadLetters,
        group_id: str,
        *,
        permanent: tuple[type[Exception], ...] = PERMANENT_FAILURES,
    ) -> None:
        self._handlers = handlers
        self._dead_letters = dead_letters
        self._permanent = permanent
        self._accepted: dict[str, tuple[str, frozenset[str]]] = {}
        self.group_id = group_id
        self.health = ConsumerHealth(group_id)

    def expect(self, topic: str, channel: str) -> None:
        """Dead-letter records on `topic` of a type the contract does not assign to `channel`."""
        accepted = types_on(channel)
        if not accepted:
            raise ValueError(f"{channel!r} is not a topic of the contract")
        self._accepted[topic] = (channel, accepted)

    async def consume(self, record: RawRecord) -> None:
        """A transient handler error propagates, so the record is redelivered; nothing else."""
        try:
            await self.consume_batch((record,))
        except BatchInterrupted as interrupted:
            raise interrupted.error from None

    async def consume_batch(self, records: Sequence[RawRecord]) -> None:
        """Deal with each record in order: dispatched, or dead-lettered if it can never be.

        Dead-lettered too: a type the record's topic does not carry, and a key that is not
        the event's subject (one participant's records must share a partition, in order).

        Handlers that can (`EventHandlers.dispatch_batch`) take the whole batch in one
        transaction; if that fails, nothing of it stayed and the records go one by one.
        A transient failure raises `BatchInterrupted` naming the record it stopped at.
        """
        checked = [self._checked(record) for record in records]
        if not await self._all_at_once(records, checked):
            await self._one_by_one(records, checked)
        self.health.dealt_with(records)

    def _checked(self, record: RawRecord) -> ReceivedEvent[Any] | InvalidEvent:
        """The record's event, or why it can never be handled."""
        try:
            event = decode_record(record)
            expected = self._accepted.get(record.topic)
            if expected is not None and event.type not in expected[1]:
                raise _misplaced(event.type, record.topic, expected[0])
            subject = event.subject
            if subject is not None and record.key != subject.encode():
                raise _wrong_key(record.key)
        except InvalidEvent as invalid:
            return invalid
        return event

    async def _all_at_once(
        self, records: Sequence[RawRecord], checked: Sequence[ReceivedEvent[Any] | InvalidEvent]
    ) -> bool:
        """The handlers' batch path (one transaction); False when they cannot or it failed.

        A failure rolled everything back, so record by record follows: the poison record
        goes to the dead letters there, a transient failure interrupts the batch there.
        """
        events = [item for item in checked if not isinstance(item, InvalidEvent)]
        try:
            if not await self._handlers.dispatch_batch(events):
                return False
        except Exception as error:
            log.info(
                "consumer.batch_one_by_one",
                consumer_group=self.group_id,
                records=len(records),
                error=type(error).__name__,
            )
            return False
        for record, item in zip(records, checked, strict=True):
            if isinstance(item, InvalidEvent):
                await self._dead_letter(record, item)
        return True

    async def _one_by_one(
        self, records: Sequence[RawRecord], checked: Sequence[ReceivedEvent[Any] | InvalidEvent]
    ) -> None:
        """Dispatch each event in order; dead-letter what fails for good, stop at the rest."""
        dispatch = self._handlers.dispatch
        for index, (record, item) in enumerate(zip(records, checked, strict=True)):
            if isinstance(item, InvalidEvent):
                await self._dead_letter(record, item)
                continue
            try:
                await dispatch(item)
            except self._permanent as error:
                await self._dead_letter(record, failure_reason(error))
            except Exception as error:
                self.health.dealt_with(records[:index])
                raise BatchInterrupted(index, error) from error

    async def _dead_letter(self, record: RawRecord, invalid: InvalidEvent) -> None:
        """Record it on the dead-letter topic and count it."""
        await self._dead_letters.record(record, self.group_id, invalid)
        self.health.dead_lettered(record.topic)


def subscribe(
    broker: KafkaBroker,
    *topics: str,
    consumer: EventConsumer,
    auto_offset_reset: Literal["earliest", "latest", "none"] = "earliest",
    max_records: int = 500,
    backoff: Backoff | None = None,
    roles: Mapping[str, str] | None = None,
    consumers: Consumers = CONSUMERS,
) -> BatchSubscriber:
    """Attach a consumer to topics, a batch at a time.

    Each topic accepts only the types the contract assigns to it: to itself when it has a
    contract name (`kette.participants.v1`, `provider.<id>.reports.v1`), else to the
    contract topic `roles` names for it (`{"test.participants-1a2b": PARTICIPANTS}`); a
    private name without a role is not checked. The subscription's counts, lag and
    progress join `consumers` (`kette_core.consumer_health`) for `/metrics` and `/readyz`.

    Offsets are committed once per batch, after every record in it was dealt with (handled,
    skipped or dead-lettered). If a handler fails transiently, each partition is rewound to
    its first record not yet dealt with, and the batch comes again after `backoff`'s pause:
    records already handled are recognised by the inbox (or the workflow's signal ids), so
    nothing is lost and no effect happens twice.
    """
    subscriber = broker.subscriber(
        *topics,
        group_id=consumer.group_id,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset=auto_offset_reset,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=IDLE_LOOK_MS,
        parser=_batch_parser,
        decoder=_batch_and_consumer,
    )
    _without_idle_pause(subscriber)
    _expect_roles(consumer, topics, roles or {})
    retrying = Retrying(consumer.group_id, backoff)
    health = consumers.watch(consumer.health)

    async def consume(batch: Any) -> None:  # `Any`: FastStream injects nothing, no thread hop
        records, kafka = cast(tuple[tuple[RawRecord, ...], _Seeking], batch)
        health.kafka = cast(HighWater, kafka) if hasattr(kafka, "highwater") else None
        try:
            await consumer.consume_batch(records)
        except BatchInterrupted as interrupted:
            _rewind(kafka, records[interrupted.index :])
            health.retried(records[interrupted.index])
            await retrying.failed(interrupted.error)
        else:
            retrying.succeeded()

    subscriber(consume)
    return subscriber


def _without_idle_pause(subscriber: BatchSubscriber) -> None:
    """FastStream's batch loop sleeps `batch_timeout_ms` after each empty `getmany`: an idle
    subscription woke ten times a second, and a record arriving during that sleep waited for
    it. Here the loop waits in `getmany` alone, which returns as soon as records are fetched.

    It replaces FastStream's `get_msg` (faststream is pinned in requirements/dev.txt;
    `tests/component/core/test_core_idle_subscription.py` fails if the hook moves)."""

    async def get_msg(consumer: Any) -> tuple[Any, ...]:
        fetched = await consumer.getmany(
            timeout_ms=subscriber.batch_timeout_ms, max_records=subscriber.max_records
        )
        return tuple(chain.from_iterable(fetched.values()))

    subscriber.get_msg = get_msg  # type: ignore[method-assign]


def _expect_roles(consumer: EventConsumer, topics: Sequence[str], roles: Mapping[str, str]) -> None:
    """Tell the consumer which contract topic each subscribed topic plays."""
    if unknown := roles.keys() - set(topics):
        raise ValueError(f"roles name topics not subscribed: {sorted(unknown)}")
    for topic in topics:
        channel = roles.get(topic) or channel_of(topic)
        if channel is not None:
            consumer.expect(topic, channel)


class _Seeking(Protocol):
    """The part of the aiokafka consumer a rewind needs (FastStream's message carries it)."""

    def seek(self, partition: Any, offset: int) -> None: ...


def _rewind(kafka: _Seeking, unhandled: Sequence[RawRecord]) -> None:
    """Point each partition at its first record not yet dealt with; the ack commits that."""
    first: dict[tuple[str, int], int] = {}
    for record in unhandled:
        where = (record.topic, record.partition)
        first[where] = min(record.offset, first.get(where, record.offset))
    for (topic, partition), offset in first.items():
        kafka.seek(TopicPartition(topic, partition), offset)


async def _batch_parser(
    records: Any, original: Callable[[Any], Awaitable[StreamMessage[Any]]]
) -> StreamMessage[Any]:
    """FastStream's message for the batch's bookkeeping (commit, rewind), parsed cheaply.

    Its own parser decodes every header of every record, which `decode` does again; so it
    parses only the first record (only the headers that are UTF-8, so a record we must
    dead-letter cannot stop the batch), and the message carries the whole batch.
    """
    first = records[:1]
    try:
        message = await original(first)
    except UnicodeDecodeError:
        message = await original(
            tuple(
                dataclasses.replace(
                    record,
                    headers=[(name, value) for name, value in record.headers if _is_utf8(value)],
                )
                for record in first
            )
        )
    message.raw_message = records
    return message


async def _batch_and_consumer(message: StreamMessage[Any]) -> Any:
    """The untouched records (`decode` judges each one) and the consumer that can rewind them."""
    consumer = getattr(message, "consumer", None)
    return message.raw_message, consumer if hasattr(consumer, "seek") else _NOT_SEEKING


class _NotSeeking:
    """A consumer that cannot rewind (FastStream's test broker redelivers nothing anyway)."""

    def seek(self, partition: Any, offset: int) -> None:
        """Nothing to rewind."""


_NOT_SEEKING = _NotSeeking()


def _is_utf8(raw: bytes) -> bool:
    """Whether a header value decodes as UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
