"""Events on real topics -> the reporting process -> figures; a restart counts nothing twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiokafka import AIOKafkaProducer

from bench._reporting_cohort import FakeRecord, as_records, cohort_events
from kette_core.contracts.vocabulary import ActorRole
from kette_core.db import create_engine, reading
from kette_devstack.ports import free_port
from kette_reporting.figures.compute import compute
from kette_reporting.figures.facts import load_facts
from kette_reporting.figures.period import Period
from kette_reporting.projection.kafka_options import client_options
from kette_reporting.projection.rebuild import rebuild_from_kafka
from kette_reporting.projection.store import Offsets, ProjectionStore
from kette_reporting.settings import DOMAIN_TOPICS, ReportingSettings
from tests.component.reporting.reporting_auth_support import TOKEN_SECRET, bearer

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
PROJECTED = "kette_reporting_projected_events_total"


class ReportingProcess:
    """`python -m kette_reporting` on the test's topics, database and port."""

    def __init__(self, bootstrap: str, topics: Sequence[str], tmp_path: Path) -> None:
        self.port = free_port()
        self.log = tmp_path / "reporting.log"
        self.database_url = f"sqlite+aiosqlite:///{tmp_path / 'reporting.db'}"
        self.env = dict(os.environ)
        self.env.update(
            KETTE_KAFKA_BOOTSTRAP=bootstrap,
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=self.database_url,
            KETTE_TOPICS=json.dumps(list(topics)),
            KETTE_GROUP_ID=f"kette.reporting.test.{tmp_path.name}",
            KETTE_LOG_FORMAT="json",
            KETTE_TOKEN_SECRET=TOKEN_SECRET,
        )
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "kette_reporting", env=self.env, stdout=log, stderr=log
            )

    async def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), timeout=20)

    async def get(self, path: str) -> Any:
        return await asyncio.to_thread(_get_json, f"http://127.0.0.1:{self.port}{path}")

    async def metric(self, name: str) -> float | None:
        text = await asyncio.to_thread(_get_text, f"http://127.0.0.1:{self.port}/metrics")
        for line in (text or "").splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return None

    async def stored_offsets(self) -> Offsets:
        """Where the projection's database says each partition continues ({} before it exists)."""
        engine = create_engine(self.database_url)
        try:
            return await ProjectionStore(reading(engine)).offsets()
        except sa.exc.OperationalError:  # not migrated yet
            return {}
        finally:
            await engine.dispose()

    async def until(self, what: Callable[[], Awaitable[bool]], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.returncode is not None:
                raise AssertionError(f"reporting exited:\n{self.log.read_text()[-3000:]}")
            if await what():
                return
            await asyncio.sleep(0.5)
        raise AssertionError(f"timed out; log:\n{self.log.read_text()[-3000:]}")


def _get_text(url: str) -> str | None:
    """A fresh token per request: one made at import would expire in a long test run."""
    request = urllib.request.Request(url, headers=bearer(ActorRole.AUDITOR))
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return str(answer.read().decode())
    except (urllib.error.URLError, OSError):
        return None


def _get_json(url: str) -> Any:
    text = _get_text(url)
    return None if text is None else json.loads(text)


async def publish(bootstrap: str, records: Sequence[FakeRecord]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        sent = [
            await producer.send(r.topic, r.value, key=r.key, headers=list(r.headers),
                                partition=r.partition)
            for r in records
        ]  # fmt: skip
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def registered(figures: Any) -> int | None:
    if not figures:
        return None
    funnel = next(t for t in figures["tables"] if t["key"] == "funnel")
    row = next(r for r in funnel["rows"] if r["label"] == "Aufgenommen")
    value = row["values"][0]
    return int(value) if value is not None else None


async def test_events_on_real_topics_become_figures_and_a_restart_reads_only_new_records(
    kafka_bootstrap: str, new_topic: NewTopic, tmp_path: Path
) -> None:
    topics = [await new_topic(name.split(".")[1], partitions=3) for name in DOMAIN_TOPICS]
    rename = dict(zip(DOMAIN_TOPICS, topics, strict=True))
    events = cohort_events(60, seed=31)
    held_back = {f"p-c{n:08d}-0000-4000-8000-000000000000" for n in range(40, 50)}
    first = [e for e in events if e.payload.partition_key() not in held_back]
    later = [e for e in events if e.payload.partition_key() in held_back]
    records_first = as_records(first, rename)
    newer = records_first[-1]  # the same record as a type this code does not know yet
    newer_type = [(n, b"kette.chain.stage_started.v2" if n == "ce_type" else v)
                  for n, v in newer.headers]  # fmt: skip
    published = [*records_first, FakeRecord(newer.topic, newer.partition, 0, newer.key,
                                            newer.value, newer_type)]  # fmt: skip
    await publish(kafka_bootstrap, published)
    service = ReportingProcess(kafka_bootstrap, topics, tmp_path)

    await service.start()
    await service.until(lambda: _equals(service, "/figures?period=2025", 50))
    # the registrations can be in before the other topics' records, and the count moves
    # after each batch's commit: wait until every record is read and counted
    await service.until(_read_to_the_end(service, published, len(records_first)))
    assert await service.metric(PROJECTED) == len(records_first)
    await service.until(_unreadable_listed(service))
    await service.stop()

    records_later = as_records(later, rename)  # their offsets here are not Kafka's: unused
    await publish(kafka_bootstrap, records_later)
    published += records_later
    await service.start()
    await service.until(lambda: _equals(service, "/figures?period=2025", 60))
    # at the end of every partition, a consumer that re-read from offset 0 would have
    # counted the first records again
    await service.until(_read_to_the_end(service, published, len(records_later)))
    assert await service.metric(PROJECTED) == len(records_later)
    live = await service.get("/figures?period=2025&as_of=2026-12-31")
    ready = await service.get("/readyz")
    await service.stop()

    assert ready["status"] == "ready"
    rebuilt_url = f"sqlite+aiosqlite:///{tmp_path / 'rebuilt.db'}"
    settings = ReportingSettings(kafka_bootstrap=kafka_bootstrap)
    tally = await rebuild_from_kafka(client_options(settings), topics, rebuilt_url, batch=50)
    engine = create_engine(rebuilt_url)
    try:
        rebuilt = compute(await load_facts(engine), Period.parse("2025"))
    finally:
        await engine.dispose()
    assert (tally.events, tally.unreadable) == (len(events), 1)
    assert registered(live) == 60
    funnel = rebuilt.table("funnel")
    assert [row["values"][0] for row in live["tables"][0]["rows"]] == [
        funnel.cells.get((row, "Personen"), 0) for row in funnel.rows
    ]


def _read_to_the_end(
    service: ReportingProcess, published: Sequence[FakeRecord], counted: int
) -> Callable[[], Awaitable[bool]]:
    """The database's offsets stand at the end of every partition written to (fresh topics:
    Kafka's offsets count from 0) and the process counted at least `counted` events."""
    ends = dict(Counter((record.topic, record.partition) for record in published))

    async def read() -> bool:
        if await service.stored_offsets() != ends:
            return False
        return (await service.metric(PROJECTED) or 0) >= counted

    return read


async def _equals(service: ReportingProcess, path: str, expected: int) -> bool:
    return registered(await service.get(path)) == expected


def _unreadable_listed(service: ReportingProcess) -> Callable[[], Awaitable[bool]]:
    async def listed() -> bool:
        kept = await service.get("/unreadable") or []
        return (
            await service.metric("kette_reporting_unreadable_records_total") == 1
            and len(kept) == 1
            and kept[0]["ce_type"] == "kette.chain.stage_started.v2"
            and "unknown event type" in kept[0]["reason"]
        )

    return listed
