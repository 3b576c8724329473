"""Shared pieces of the kette-core component tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from kette_core.envelope import KafkaRecord

EFFECTS = sa.Table(
    "test_effects",
    sa.MetaData(),
    sa.Column("ce_id", sa.String(200), primary_key=True),
    sa.Column("participant_id", sa.String(80), nullable=False),
)
"""A business table: one row per applied event, so duplicates would show."""


class RecordingSender:
    """Stands in for Kafka where only the relay's bookkeeping is under test."""

    def __init__(self) -> None:
        self.sent: list[KafkaRecord] = []

    async def send_records(self, records: Sequence[KafkaRecord]) -> None:
        self.sent.extend(records)


async def eventually(condition: Callable[[], object], what: str, seconds: float = 30.0) -> None:
    """Poll a condition against a deadline (never one fixed sleep); the bound only ends a hang."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.005)
