"""A consumer batch through the inbox in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from core_integration_support import EFFECTS, effect_count, record_effect
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.consuming import (
    BatchInterrupted,
    EventConsumer,
    PermanentFailure,
    decode_record,
)
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent
from kette_core.ids import new_participant_id
from kette_core.inbox import Inbox, InboxHandlers
from kette_core.tables import InboxRecord
from tests.unit.core.core_consumer_records import Record, RecordedDeadLetters, record_of

pytestmark = pytest.mark.integration


def batch(size: int, first_offset: int = 0) -> list[Record]:
    """Records of distinct participants at consecutive offsets."""
    return [
        record_of(
            StageStarted(participant_id=new_participant_id(), stage=Stage.JOB, attempt=1),
            offset=first_offset + i,
        )
        for i in range(size)
    ]


class Consumer:
    """An inbox consumer whose effect writes one row per event and can be made to fail."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.inbox = Inbox(sessions, consumer="batch-test")
        self.told: list[bool] = []
        self.poison: set[str] = set()
        self.unreachable: set[str] = set()
        self.transactions = 0
        handlers = InboxHandlers(self.inbox)
        handlers.add_effect(StageStarted, self.effect, self.told.append)
        self.dead_letters = RecordedDeadLetters()
        self.consumer = EventConsumer(handlers, self.dead_letters, group_id="batch-test")

    async def effect(self, session: AsyncSession, event: ReceivedEvent[StageStarted]) -> None:
        if event.subject in self.poison:
            raise PermanentFailure("participant unknown")
        if event.subject in self.unreachable:
            raise ConnectionError("the database went away")
        await record_effect(session, event)


def subject_of(record: Record) -> str:
    return record.key.decode() if record.key else ""


def count_commits(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """A one-element list that counts the engine's commits from now on."""
    engine: AsyncEngine = sessions.kw["bind"]
    counted = [0]

    def on_commit(_connection: object) -> None:
        counted[0] += 1

    sa.event.listen(engine.sync_engine, "commit", on_commit)
    return counted


async def inbox_ids(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    async with sessions() as session:
        return set((await session.exec(select(InboxRecord.ce_id))).all())


async def effect_subjects(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    async with sessions() as session:
        rows = await session.exec(sa.select(EFFECTS.c.participant_id))  # type: ignore[call-overload]
        return {row[0] for row in rows.all()}


async def test_a_batch_applies_each_event_once_and_a_redelivered_batch_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    consumer = Consumer(sessions)
    records = batch(5)
    commits = count_commits(sessions)

    await consumer.consumer.consume_batch(records)
    assert commits == [1]
    await consumer.consumer.consume_batch([*records[2:], *batch(1, first_offset=5)])

    assert await effect_count(sessions) == 6
    assert consumer.told == [True] * 5 + [False, False, False, True]
    assert len(await inbox_ids(sessions)) == 6
    assert consumer.dead_letters.reasons == {}


async def test_an_event_twice_in_one_batch_takes_effect_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    consumer = Consumer(sessions)
    records = batch(3)

    await consumer.consumer.consume_batch([*records, records[1]])

    assert await effect_count(sessions) == 3
    assert consumer.told == [True, True, True, False]


async def test_an_event_the_single_path_applied_is_skipped_by_the_batch(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    consumer = Consumer(sessions)
    records = batch(3)
    assert await consumer.inbox.apply_once(decode_record(records[0]), consumer.effect)

    await consumer.consumer.consume_batch(records)

    assert await effect_count(sessions) == 3
    assert consumer.told == [False, True, True]


async def test_a_poison_record_mid_batch_is_dead_lettered_and_its_neighbours_apply_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    consumer = Consumer(sessions)
    records = batch(5)
    consumer.poison.add(subject_of(records[2]))

    await consumer.consumer.consume_batch(records)
    await consumer.consumer.consume_batch(records)  # redelivered, say after a rebalance

    assert consumer.dead_letters.reasons == {2: "handler: participant unknown"}
    expected = {subject_of(record) for i, record in enumerate(records) if i != 2}
    assert await effect_subjects(sessions) == expected
    assert await effect_count(sessions) == 4
    assert consumer.told == [True, True, True, True] + [False] * 4
    assert len(await inbox_ids(sessions)) == 4


async def test_an_undecodable_record_mid_batch_is_dead_lettered_once_and_the_rest_apply(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    consumer = Consumer(sessions)
    records = batch(4)
    records[1].value = b"{not json"

    await consumer.consumer.consume_batch(records)

    assert list(consumer.dead_letters.reasons) == [1]
    assert await effect_count(sessions) == 3


async def test_a_transient_failure_mid_batch_keeps_what_came_before_and_nothing_after(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    consumer = Consumer(sessions)
    records = batch(5)
    consumer.unreachable.add(subject_of(records[3]))

    with pytest.raises(BatchInterrupted) as interrupted:
        await consumer.consumer.consume_batch(records)

    assert interrupted.value.index == 3
    assert await effect_subjects(sessions) == {subject_of(record) for record in records[:3]}
    consumer.unreachable.clear()
    await consumer.consumer.consume_batch(records[3:])  # the rewound rest comes again
    assert await effect_count(sessions) == 5
    assert consumer.dead_letters.reasons == {}


async def test_a_batch_effect_gets_each_run_of_new_events_in_one_call_in_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    calls: list[list[str]] = []

    async def write_all(
        session: AsyncSession, events: Sequence[ReceivedEvent[StageStarted]]
    ) -> None:
        calls.append([event.id for event in events])
        for event in events:
            await record_effect(session, event)

    handlers = InboxHandlers(Inbox(sessions, consumer="batch-effect"))
    handlers.add_batch_effect(StageStarted, write_all)
    consumer = EventConsumer(handlers, RecordedDeadLetters(), group_id="batch-effect")
    records = batch(4)
    await consumer.consume_batch(records[:1])

    await consumer.consume_batch(records)

    ids = [decode_record(record).id for record in records]
    assert calls == [ids[:1], ids[1:]]
    assert await effect_count(sessions) == 4


async def test_a_batch_effect_that_fails_for_one_event_is_retried_one_event_at_a_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    records = batch(3)
    poison = subject_of(records[1])

    async def write_all(
        session: AsyncSession, events: Sequence[ReceivedEvent[StageStarted]]
    ) -> None:
        for event in events:
            if event.subject == poison:
                raise PermanentFailure("participant unknown")
            await record_effect(session, event)

    handlers = InboxHandlers(Inbox(sessions, consumer="batch-effect"))
    handlers.add_batch_effect(StageStarted, write_all)
    dead_letters = RecordedDeadLetters()
    consumer = EventConsumer(handlers, dead_letters, group_id="batch-effect")

    await consumer.consume_batch(records)

    assert list(dead_letters.reasons) == [1]
    assert await effect_subjects(sessions) == {subject_of(records[0]), subject_of(records[2])}
