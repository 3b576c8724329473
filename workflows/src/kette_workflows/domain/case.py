"""One change to a chain: the state it edits, the time it happens, the events it records."""

from __future__ import annotations

from datetime import datetime

from kette_workflows.domain.events import ChainEvent, EventMeta
from kette_workflows.domain.state import ChainState


class Case:
    """Every move of the domain takes one; `events` are what the move produced, in order."""

    def __init__(self, state: ChainState, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.state = state
        self.now = now
        self.events: list[ChainEvent] = []

    def meta(self) -> EventMeta:
        """The next sequence number; called only once a change is certain."""
        self.state.last_sequence += 1
        return EventMeta(
            sequence=self.state.last_sequence,
            occurred_at=self.now,
            participant_id=self.state.participant_id,
        )

    def emit(self, event: ChainEvent) -> None:
        """Record an event: on the chain's recent timeline and in this change's result."""
        self.events.append(event)
        self.state.remember(event)
