"""A period's place in the history: every record up to its end, in tree order, as one Merkle tree.

The tree of a period [from, until) holds every record whose time is before `until`, ordered
by (time, topic, partition, offset); the period's records are its last leaves. So the tree
of a later period extends the tree of an earlier one (a consistency proof shows it), and an
export carries only the frontier of the records before its period, not the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kette_reporting.audit.canonical import AuditRecord, to_micros
from kette_reporting.audit.merkle import Frontier, MerkleTree

_KEY_END = -32  # a packed entry is order key + leaf hash


@dataclass(frozen=True)
class Period:
    """Half-open [start, until) by record time; both ends timezone-aware."""

    start: datetime
    until: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.until.tzinfo is None:
            raise ValueError("period: both ends need a time zone")
        if self.start >= self.until:
            raise ValueError("period: from must be before until")

    def as_json(self) -> dict[str, str]:
        """ISO form for the signed head."""
        return {"from": self.start.isoformat(), "until": self.until.isoformat()}


@dataclass
class HistoryCollector:
    """A record sink keeping what a period's tree needs: all leaf hashes, the period's records."""

    period: Period
    _start: int = 0
    _until: int = 0
    entries: list[bytes] = field(default_factory=list)
    records: list[AuditRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._start = to_micros(self.period.start)
        self._until = to_micros(self.period.until)

    def __call__(self, record: AuditRecord) -> None:
        """Keep one record read from Kafka."""
        if record.time >= self._until:
            return  # after the period: not in its tree
        self.entries.append(record.sort_key() + record.leaf_hash())
        if record.time >= self._start:
            self.records.append(record)

    def build(self) -> PeriodTree:
        """Sort into tree order and build the tree of the history up to the period's end."""
        self.entries.sort()
        self.records.sort(key=AuditRecord.sort_key)
        hashes = [entry[_KEY_END:] for entry in self.entries]
        first = len(hashes) - len(self.records)
        frontier = Frontier()
        for leaf in hashes[:first]:
            frontier.append(leaf)
        return PeriodTree(self.period, MerkleTree(hashes), frontier, self.records)


@dataclass(frozen=True)
class PeriodTree:
    """The built tree, the frontier before the period, and the period's records in tree order."""

    period: Period
    tree: MerkleTree
    frontier: Frontier
    records: list[AuditRecord]

    @property
    def first_position(self) -> int:
        """Position of the period's first record in the tree."""
        return self.frontier.size
