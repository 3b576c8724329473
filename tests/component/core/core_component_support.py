"""Shared pieces of the kette-core component tests."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from kette_core.envelope import KafkaRecord
from tests.support.waiting import eventually as eventually

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
