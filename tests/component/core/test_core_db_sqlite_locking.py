"""SQLite writers queue for the one write lock instead of failing; a lock held past the busy
timeout is a retryable DatabaseBusy; readers through `reading` do not queue at all, and the
outbox relay does not hold the lock while the broker answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.db import DatabaseBusy, create_engine, reading, session_factory
from kette_core.envelope import KafkaRecord, new_event
from kette_core.ids import new_participant_id
from kette_core.outbox import OutboxRelay, add_to_outbox
from kette_core.tables import OutboxRecord

_STARTED = StageStarted(participant_id=new_participant_id(), stage=Stage.LANGUAGE, attempt=1)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'locking.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        await connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
        await connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY)"))
        await connection.run_sync(OutboxRecord.__table__.create)  # type: ignore[attr-defined]
    yield engine
    await engine.dispose()


@pytest.fixture
async def impatient(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """Another writer on the same file that waits 50 ms for the lock, not 5 s."""
    other = create_engine(str(engine.url), sqlite_busy_timeout_ms=50)
    yield other
    await other.dispose()


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        value = (await connection.execute(text("SELECT n FROM counter WHERE id = 1"))).scalar()
    return int(value or 0)


async def test_read_then_write_transactions_racing_each_other_all_commit_and_none_is_lost(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)

    async def increment() -> None:
        async with sessions() as session, session.begin():
            result = await session.execute(text("SELECT n FROM counter WHERE id = 1"))
            seen = int(result.scalar() or 0)
            await asyncio.sleep(0.01)  # another writer would slip in here if reads did not queue
            await session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": seen + 1})

    await asyncio.gather(*(increment() for _ in range(12)))

    assert await _count(engine) == 12


async def test_a_write_lock_held_past_the_busy_timeout_is_database_busy_and_writes_nothing(
    engine: AsyncEngine, impatient: AsyncEngine
) -> None:
    async with engine.begin() as held:
        await held.execute(text("INSERT INTO item VALUES (1)"))
        with pytest.raises(DatabaseBusy) as busy:
            async with impatient.begin() as connection:
                await connection.execute(text("INSERT INTO item VALUES (2)"))

    assert busy.value.retry_after_seconds > 0
    async with engine.connect() as connection:
        ids = (await connection.execute(text("SELECT id FROM item"))).scalars().all()
    assert ids == [1]


async def test_a_reading_transaction_does_not_wait_for_a_writer(engine: AsyncEngine) -> None:
    async with engine.begin() as writer:
        await writer.execute(text("UPDATE counter SET n = 7 WHERE id = 1"))
        async with reading(engine).connect() as reader:
            before = (await reader.execute(text("SELECT n FROM counter"))).scalar()
    assert before == 0  # the snapshot before the writer's commit, read while it held the lock
    assert await _count(engine) == 7


async def test_the_outbox_relay_holds_no_write_lock_while_the_broker_answers(
    engine: AsyncEngine, impatient: AsyncEngine
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await add_to_outbox(session, new_event(_STARTED, source="test"), "test.topic")

    class WritingWhileSending:
        """A broker so slow that a registration commits while it answers."""

        async def send_records(self, records: Sequence[KafkaRecord]) -> None:
            async with impatient.begin() as other:
                await other.execute(text("INSERT INTO item VALUES (1)"))

    assert await OutboxRelay(sessions, WritingWhileSending()).relay_once() == 1
    assert await OutboxRelay(sessions, WritingWhileSending()).relay_once() == 0
