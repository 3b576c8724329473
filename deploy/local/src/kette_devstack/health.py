"""Health verdicts shared by every part, so status can print them uniformly."""

from dataclasses import dataclass
from enum import Enum


class StartOutcome(Enum):
    """Whether `start` did work or found the part already up (idempotent start)."""

    STARTED = "started"
    ALREADY_RUNNING = "already running"


@dataclass(frozen=True)
class Health:
    """A part's state with the reason, because "unhealthy" alone does not help anyone."""

    part: str
    healthy: bool
    reason: str
    pid: int | None = None
