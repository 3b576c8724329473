"""Where a report stood in the history: the projection's next offset per partition.

Printed with every report read from a projection, so that `kette audit as-of --offsets`
can rebuild exactly those records from Kafka and reproduce the report byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

KafkaPosition = tuple[tuple[str, int, int], ...]
"""(topic, partition, next offset), sorted."""
_ENTRY = re.compile(r"^(?P<topic>[A-Za-z0-9._-]+):(?P<partition>\d+)=(?P<offset>\d+)$")


def position_of(offsets: Mapping[tuple[str, int], int]) -> KafkaPosition:
    """A store's offsets as a report's position."""
    return tuple(sorted((topic, partition, end) for (topic, partition), end in offsets.items()))


def format_offsets(position: KafkaPosition) -> str:
    """`topic:partition=offset` entries, space-separated, in order."""
    return " ".join(f"{topic}:{partition}={offset}" for topic, partition, offset in position)


def parse_offsets(text: str) -> dict[tuple[str, int], int]:
    """The inverse of `format_offsets` (a leading `Kafka-Stand:` and commas are allowed)."""
    text = text.strip().removeprefix("Kafka-Stand:")
    entries = [entry for entry in re.split(r"[\s,]+", text) if entry]
    if not entries:
        raise ValueError("offsets: expected topic:partition=offset entries, got none")
    parsed: dict[tuple[str, int], int] = {}
    for entry in entries:
        match = _ENTRY.match(entry)
        if match is None:
            raise ValueError(f"offsets: {entry!r} is not topic:partition=offset")
        key = (match["topic"], int(match["partition"]))
        if key in parsed:
            raise ValueError(f"offsets: {match['topic']}:{match['partition']} given twice")
        parsed[key] = int(match["offset"])
    return parsed
