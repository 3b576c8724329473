"""Outbox, relay and inbox on a SQLite service database with the in-memory broker."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from core_component_support import EFFECTS, RecordingSender, eventually
from faststream.kafka import KafkaBroker, TestKafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import topics
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import KafkaRecord, OutgoingEvent, ReceivedEvent, new_event
from kette_core.ids import new_participant_id, stable_event_id
from kette_core.inbox import Effect, Inbox
from kette_core.outbox import OutboxRelay, add_to_outbox
from kette_core.publishing import EventPublisher
from kette_core.tables import InboxRecord, OutboxRecord

pytestmark = pytest.mark.component

SOURCE = "/kette/test"


def stage_event(participant_id: str, attempt: int = 1) -> OutgoingEvent[StageStarted]:
    payload = StageStarted(participant_id=participant_id, stage=Stage.LANGUAGE, attempt=attempt)
    event_id = stable_event_id(StageStarted.event_type, participant_id, str(attempt))
    return new_event(payload, source=SOURCE, event_id=event_id)


class CrashAfterSend(OutboxRelay):
    """Dies between the broker's acknowledgement and marking the rows sent."""

    async def _mark_sent(self, session: AsyncSession, rows: Sequence[OutboxRecord]) -> None:
        raise RuntimeError("relay crashed before marking")


async def stage(
    sessions: async_sessionmaker[AsyncSession], *events: OutgoingEvent[StageStarted]
) -> list[bool]:
    """Commit events to the outbox as a business transaction would."""
    async with sessions() as session, session.begin():
        return [await add_to_outbox(session, event) for event in events]


async def unsent(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        rows = await session.exec(select(OutboxRecord).where(col(OutboxRecord.sent_at).is_(None)))
        return len(rows.all())


async def test_the_relay_sends_committed_events_in_order_and_marks_them(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    participant = new_participant_id()
    await stage(sessions, *(stage_event(participant, attempt) for attempt in (1, 2, 3)))
    sender = RecordingSender()

    assert await OutboxRelay(sessions, sender).relay_once() == 3
    assert await OutboxRelay(sessions, sender).relay_once() == 0

    assert [record.headers["ce_id"] for record in sender.sent] == [
        stable_event_id(StageStarted.event_type, participant, str(attempt)) for attempt in (1, 2, 3)
    ]
    assert {record.key for record in sender.sent} == {participant}
    assert await unsent(sessions) == 0


async def test_an_event_of_a_rolled_back_transaction_is_never_sent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(RuntimeError, match="business rule"):
        async with sessions() as session, session.begin():
            await add_to_outbox(session, stage_event(new_participant_id()))
            raise RuntimeError("business rule failed")
    sender = RecordingSender()

    assert await OutboxRelay(sessions, sender).relay_once() == 0
    assert sender.sent == []


async def test_staging_the_same_event_id_twice_keeps_one_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    participant = new_participant_id()

    assert await stage(sessions, stage_event(participant)) == [True]
    assert await stage(sessions, stage_event(participant)) == [False]
    assert await unsent(sessions) == 1


async def test_batches_are_bounded_and_continue_where_the_last_stopped(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    participant = new_participant_id()
    await stage(sessions, *(stage_event(participant, attempt) for attempt in range(1, 6)))
    sender = RecordingSender()
    relay = OutboxRelay(sessions, sender, batch_size=2)

    assert [await relay.relay_once() for _ in range(4)] == [2, 2, 1, 0]
    assert [record.headers["ce_id"] for record in sender.sent] == [
        stable_event_id(StageStarted.event_type, participant, str(attempt))
        for attempt in range(1, 6)
    ]


def received(participant_id: str = "p-12345678") -> ReceivedEvent[StageStarted]:
    """An event as the subscriber helper hands it over."""
    sent = new_event(
        StageStarted(participant_id=participant_id, stage=Stage.JOB, attempt=1), source=SOURCE
    )
    return ReceivedEvent(
        id=sent.id,
        type=sent.type,
        source=sent.source,
        time=sent.time,
        subject=sent.subject,
        payload=sent.payload,
    )


async def record_effect(session: AsyncSession, event: ReceivedEvent[StageStarted]) -> None:
    """The business effect: a row that a second application would duplicate."""
    await session.exec(sa.insert(EFFECTS).values(ce_id=event.id, participant_id=event.subject))


async def effect_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (await session.exec(select(sa.func.count()).select_from(EFFECTS))).one()


async def test_the_inbox_applies_an_event_once_and_skips_the_redelivery(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    inbox = Inbox(sessions, consumer="matching")
    event = received()

    assert await inbox.apply_once(event, record_effect) is True
    assert await inbox.apply_once(event, record_effect) is False
    assert await effect_count(sessions) == 1


async def test_each_consumer_keeps_its_own_inbox(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event = received()
    seen_by: list[str] = []

    def noting(consumer: str) -> Effect[StageStarted]:
        async def effect(session: AsyncSession, _: ReceivedEvent[StageStarted]) -> None:
            seen_by.append(consumer)

        return effect

    for consumer in ("matching", "reporting", "matching"):
        await Inbox(sessions, consumer=consumer).apply_once(event, noting(consumer))

    assert seen_by == ["matching", "reporting"]


async def test_a_failed_effect_leaves_no_inbox_row_so_the_retry_applies_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    inbox = Inbox(sessions, consumer="matching")
    event = received()
    attempts: list[str] = []

    async def flaky_effect(session: AsyncSession, event: ReceivedEvent[StageStarted]) -> None:
        attempts.append(event.id)
        await record_effect(session, event)
        if len(attempts) == 1:
            raise ConnectionError("lost the database")

    with pytest.raises(ConnectionError):
        await inbox.apply_once(event, flaky_effect)
    async with sessions() as session:
        assert (await session.exec(select(InboxRecord))).all() == []
    assert await effect_count(sessions) == 0

    assert await inbox.apply_once(event, flaky_effect) is True
    assert len(attempts) == 2
    assert await effect_count(sessions) == 1


async def test_exactly_one_effect_when_the_relay_crashes_between_send_and_mark(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    broker = KafkaBroker()
    inbox = Inbox(sessions, consumer="matching")
    deliveries: list[str] = []

    handlers = EventHandlers()
    apply = inbox.wrap(record_effect)

    @handlers.on(StageStarted)
    async def on_stage_started(event: ReceivedEvent[StageStarted]) -> None:
        deliveries.append(event.id)
        await apply(event)

    publisher = EventPublisher(broker)
    subscribe(
        broker,
        topics.CHAIN,
        consumer=EventConsumer(handlers, DeadLetters(publisher, SOURCE), group_id="matching"),
    )
    participant = new_participant_id()
    await stage(sessions, stage_event(participant))

    async with TestKafkaBroker(broker) as test_broker:
        sender = EventPublisher(test_broker)
        with pytest.raises(RuntimeError, match="crashed"):
            await CrashAfterSend(sessions, sender).relay_once()
        assert await OutboxRelay(sessions, sender).relay_once() == 1

    assert len(deliveries) == 2 and deliveries[0] == deliveries[1]
    assert await effect_count(sessions) == 1
    assert await unsent(sessions) == 0


async def test_the_relay_loop_sends_in_the_background_and_stops_gracefully(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    sender = RecordingSender()
    relay = OutboxRelay(sessions, sender, poll_interval=60)
    relay.start()
    await stage(sessions, stage_event(new_participant_id()))
    relay.wake()

    await eventually(lambda: sender.sent, "the woken relay to send")
    await relay.stop()

    assert len(sender.sent) == 1


async def test_the_relay_loop_survives_a_broker_error_and_retries(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    class FlakySender(RecordingSender):
        failures = 1

        async def send_records(self, records: Sequence[KafkaRecord]) -> None:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("broker unavailable")
            await super().send_records(records)

    sender = FlakySender()
    await stage(sessions, stage_event(new_participant_id()))
    relay = OutboxRelay(sessions, sender, poll_interval=0.01, error_backoff=0.01)
    relay.start()

    await eventually(lambda: sender.sent, "the relay to send after the broker error")
    await relay.stop()

    assert sender.failures == 0
    assert len(sender.sent) == 1
    assert await unsent(sessions) == 0
