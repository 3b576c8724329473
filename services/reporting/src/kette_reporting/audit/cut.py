"""Where the history stood at the end of a day: in each partition, the records before the
first one stamped later. Records appended afterwards never move the cut, so a report as of a
past day keeps its bytes (and its Kafka-Stand) however the history grows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kette_reporting.audit.canonical import AuditRecord, to_micros
from kette_reporting.figures.facts import end_of

Offsets = dict[tuple[str, int], int]


@dataclass
class DayCut:
    """A record sink noting, per partition, the offset of the first record after `day`."""

    day: date
    ends: Offsets
    _limit: int = 0
    _cut: Offsets = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._limit = to_micros(end_of(self.day))

    def __call__(self, record: AuditRecord) -> None:
        """Note the first record of its partition stamped after the day."""
        key = (record.topic, record.partition)
        if record.time > self._limit and key not in self._cut:
            self._cut[key] = record.offset

    def offsets(self) -> Offsets:
        """Each partition's cut; one with no later record stands at its end."""
        return {key: self._cut.get(key, end) for key, end in sorted(self.ends.items())}
