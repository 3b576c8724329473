"""A rebuild read by worker processes on the real broker: the same projection as one reader."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from bench._reporting_cohort import FakeRecord, as_records, cohort_events
from kette_reporting.audit.compare import compare
from kette_reporting.projection.rebuild import open_store, rebuild, rebuild_from_kafka
from kette_reporting.settings import DOMAIN_TOPICS

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
PARTITIONS = 3


async def fill(bootstrap: str, records: Sequence[FakeRecord]) -> None:
    """Each record onto its topic and partition, so Kafka's offsets are the records' own."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=5)
    await producer.start()
    try:
        sent = [
            await producer.send(
                record.topic,
                record.value,
                key=record.key,
                headers=list(record.headers),
                partition=record.partition,
            )
            for record in records
        ]
        for future in sent:
            await future
    finally:
        await producer.stop()


async def cohort_on_kafka(
    bootstrap: str, new_topic: NewTopic
) -> tuple[list[str], list[FakeRecord]]:
    names = {topic: await new_topic(topic.split(".")[1], PARTITIONS) for topic in DOMAIN_TOPICS}
    records = as_records(cohort_events(60, seed=31), names, partitions=PARTITIONS)
    await fill(bootstrap, records)
    return list(names.values()), records


async def test_three_worker_processes_build_the_projection_one_reader_builds(
    kafka_bootstrap: str, new_topic: NewTopic, database_url: str, tmp_path: Path
) -> None:
    topics, records = await cohort_on_kafka(kafka_bootstrap, new_topic)
    single = f"sqlite+aiosqlite:///{tmp_path}/single.db"
    await rebuild(records, single, batch=50)
    progress: list[int] = []

    tally = await rebuild_from_kafka(
        {"bootstrap_servers": kafka_bootstrap},
        topics,
        database_url,
        batch=40,
        progress=progress.append,
        workers=3,
    )

    assert tally.events == len(records) and tally.unreadable == 0
    assert sum(progress) == len(records)
    assert len(progress) > 3  # reported batch by batch, not once at the end
    comparison = await compare(single, database_url)
    assert comparison.differences == []
    assert comparison.live_ahead == {}
    store = await open_store(database_url, fresh=False)
    try:
        offsets = await store.offsets()
    finally:
        await store.engine.dispose()
    assert offsets == {(r.topic, r.partition): r.offset + 1 for r in records}


async def test_workers_stop_at_the_recorded_offsets(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topics, records = await cohort_on_kafka(kafka_bootstrap, new_topic)
    until = {(r.topic, r.partition): r.offset + 1 for r in records[: len(records) // 2]}
    upto = [r for r in records if r.offset < until.get((r.topic, r.partition), 0)]
    expected = f"sqlite+aiosqlite:///{tmp_path}/expected.db"
    await rebuild(upto, expected)
    rebuilt = f"sqlite+aiosqlite:///{tmp_path}/rebuilt.db"

    tally = await rebuild_from_kafka(
        {"bootstrap_servers": kafka_bootstrap}, topics, rebuilt, until=until, workers=2
    )

    assert tally.events == len(upto) < len(records)
    assert (await compare(expected, rebuilt)).differences == []
