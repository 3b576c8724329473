"""Consumer groups' lag and whether they move: a group stuck on one record looks healthy
to a process check, so `status` compares two readings of its committed offsets."""

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

GROUP_PREFIXES = ("kette.", "provider.")
"""The groups the stack's ACLs allow (tests' and benchmarks' groups are left out)."""
MIN_GAP_SECONDS = 3.0
MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class GroupReading:
    """One group's committed offset and the log end per partition ("topic:partition")."""

    committed: Mapping[str, int]
    end: Mapping[str, int]

    def waiting(self, partition: str) -> int:
        return max(0, self.end[partition] - self.committed.get(partition, 0))

    @property
    def lag(self) -> int:
        return sum(self.waiting(partition) for partition in self.end)


@dataclass(frozen=True)
class GroupVerdict:
    """A group's lag and the partitions where records waited and nothing was committed."""

    group: str
    lag: int
    stalled: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.stalled:
            return f"no progress while records wait on {', '.join(self.stalled)}"
        return "caught up" if self.lag == 0 else "consuming"


def judge(group: str, before: GroupReading | None, now: GroupReading) -> GroupVerdict:
    """Stalled partitions: records waited at the first reading and none was committed since
    (records that arrived after it do not count, the consumer may not have seen them yet)."""
    stalled = []
    if before is not None:
        for partition in sorted(now.end):
            waited = partition in before.end and before.waiting(partition) > 0
            moved = now.committed.get(partition, 0) > before.committed.get(partition, 0)
            if waited and not moved:
                stalled.append(f"{partition} at {now.committed.get(partition, 0)}")
    return GroupVerdict(group, now.lag, stalled)


Readings = dict[str, GroupReading]


class LagMonitor:
    """Judges each group against the last reading, remembered in .kette/run; without one
    a few seconds old (but not stale), it takes two readings MIN_GAP_SECONDS apart."""

    def __init__(
        self,
        store: Path,
        read: Callable[[], Readings],
        clock: Callable[[], float] = time.time,
        wait: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.read = read
        self.clock = clock
        self.wait = wait

    def check(self) -> list[GroupVerdict]:
        taken_at, before = self._load()
        age = self.clock() - taken_at
        if not 0 <= age <= MAX_AGE_SECONDS:
            before, age = self.read(), 0.0
        if age < MIN_GAP_SECONDS:
            self.wait(MIN_GAP_SECONDS - age)
        now = self.read()
        self._save(now)
        return [judge(group, before.get(group), reading) for group, reading in sorted(now.items())]

    def _load(self) -> tuple[float, Readings]:
        try:
            data = json.loads(self.store.read_text())
            groups = {
                group: GroupReading(dict(stored["committed"]), dict(stored["end"]))
                for group, stored in data["groups"].items()
            }
            return float(data["taken_at"]), groups
        except (OSError, ValueError, KeyError, TypeError):
            return float("-inf"), {}

    def _save(self, readings: Readings) -> None:
        groups = {
            group: {"committed": dict(r.committed), "end": dict(r.end)}
            for group, r in readings.items()
        }
        self.store.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.store.with_suffix(".tmp")
        tmp.write_text(json.dumps({"taken_at": self.clock(), "groups": groups}))
        tmp.replace(self.store)
