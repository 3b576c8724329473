"""Driving `kette audit` against the test broker: records sent in order, the CLI in a thread."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer
from typer.testing import CliRunner, Result

from kette_core.envelope import KafkaRecord
from kette_reporting.cli import app


async def produce(bootstrap: str, topic: str, records: list[KafkaRecord]) -> list[int]:
    """Send in order to `topic` (whatever topic the records name); the offsets they got."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        offsets = []
        for record in records:
            headers = [(name, text.encode()) for name, text in record.headers.items()]
            key = None if record.key is None else record.key.encode()
            sent = await producer.send_and_wait(topic, record.value, key=key, headers=headers)
            offsets.append(sent.offset)
        return offsets
    finally:
        await producer.stop()


async def kette_audit(bootstrap: str, *args: str) -> Result:
    """Run `kette audit ARGS` in a thread (it runs its own event loop) on the test broker."""
    runner = CliRunner()
    env = {"KETTE_KAFKA_BOOTSTRAP": bootstrap, "COLUMNS": "240"}
    return await asyncio.to_thread(runner.invoke, app, ["audit", *args], env=env)
