"""The records a projection kept but could not count: dead letters and unreadable records.

`kette audit replay` lists them with their reasons, so bad input is reported, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from kette_core.db import create_engine
from kette_reporting.projection.tables import dead_letter, unreadable


@dataclass(frozen=True)
class Kept:
    """One record: where it lies, what kind, its type, and why it was not counted."""

    where: str
    kind: str
    event_type: str
    reason: str


@dataclass(frozen=True)
class KeptRecords:
    """The first `limit` of each kind, and how many there are in all."""

    shown: list[Kept]
    total: int


async def kept_records(url: str, limit: int = 50) -> KeptRecords:
    """Dead letters (with the consumer that rejected the record) and unreadable records."""
    letter = dead_letter.c
    letters = sa.select(dead_letter).order_by(
        letter.original_topic, letter.original_partition, letter.original_offset
    )
    unread = sa.select(unreadable).order_by(
        unreadable.c.topic, unreadable.c.partition, unreadable.c.offset
    )
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            shown = [
                Kept(
                    f"{row.original_topic}/{row.original_partition}@{row.original_offset}",
                    "dead_letter",
                    row.original_ce_type or "",
                    f"rejected by {row.consumer_group}: {row.reason}",
                )
                for row in await connection.execute(letters.limit(limit))
            ]
            shown += [
                Kept(
                    f"{row.topic}/{row.partition}@{row.offset}",
                    "unreadable",
                    row.ce_type or "",
                    row.reason,
                )
                for row in await connection.execute(unread.limit(limit))
            ]
            total = 0
            for table in (dead_letter, unreadable):
                count = sa.select(sa.func.count()).select_from(table)
                total += int((await connection.execute(count)).scalar_one())
    finally:
        await engine.dispose()
    return KeptRecords(shown, total)
