"""Raw records in, one transaction out: decode, keep what we cannot read, bulk-write the rows.

A record whose type we do not know (a newer version, a type added after this code) or that
does not validate is kept as an `unreadable` row naming the reason, and the partition moves
on: the producer's own consumers dead-letter it, reporting lists it, nothing crashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from kette_core.consuming import RawRecord, decode_record
from kette_core.envelope import InvalidEvent, readable_header
from kette_reporting.projection.apply import rows_for
from kette_reporting.projection.store import Offsets, ProjectionStore

log = structlog.get_logger(__name__)


@dataclass
class Tally:
    """What the projector has read so far: events applied and records kept unreadable."""

    events: int = 0
    unreadable: int = 0


@dataclass
class PreparedBatch:
    """A batch turned into rows and offsets, not yet written."""

    rows: dict[str, list[dict[str, Any]]]
    offsets: Offsets
    events: int
    unreadable: int


def prepare(records: Sequence[RawRecord]) -> PreparedBatch:
    """Pure but for decoding: the rows and the next offsets of a batch of records."""
    rows: dict[str, list[dict[str, Any]]] = {}
    offsets: Offsets = {}
    events = unreadable = 0
    for record in records:
        offsets[record.topic, record.partition] = record.offset + 1
        try:
            event = decode_record(record)
        except InvalidEvent as invalid:
            rows.setdefault("unreadable", []).append(_unreadable(record, invalid))
            unreadable += 1
            continue
        for table, values in rows_for(event):
            rows.setdefault(table, []).append(values)
        events += 1
    return PreparedBatch(rows, offsets, events, unreadable)


def _unreadable(record: RawRecord, invalid: InvalidEvent) -> dict[str, Any]:
    value = record.value or b""
    return {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "ce_type": readable_header(record.headers, "ce_type"),
        "ce_id": readable_header(record.headers, "ce_id"),
        "reason": invalid.reason[:2000],
        "value_sha256": hashlib.sha256(value).hexdigest(),
        "value_size": len(value),
    }


class Projector:
    """Writes batches of records through a store and keeps the tally."""

    def __init__(self, store: ProjectionStore) -> None:
        self.store = store
        self.tally = Tally()

    async def project(self, records: Sequence[RawRecord]) -> PreparedBatch:
        """Apply a batch; its rows and offsets commit together or not at all."""
        batch = prepare(records)
        await self.write(batch)
        return batch

    async def write(self, batch: PreparedBatch) -> None:
        """Commit a prepared batch, then count it."""
        await self.store.write_batch(batch.rows, batch.offsets)
        self.tally.events += batch.events
        self.tally.unreadable += batch.unreadable
        if batch.unreadable:
            log.warning("projection.unreadable_kept", records=batch.unreadable)
