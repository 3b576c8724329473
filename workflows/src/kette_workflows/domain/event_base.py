"""The envelope every chain event shares."""

from __future__ import annotations

from typing import TypedDict

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kette_core.contracts.base import ParticipantId


class EventMeta(TypedDict):
    """Fields every event carries; the sequence lets the workflow derive stable event ids."""

    sequence: int
    occurred_at: AwareDatetime
    participant_id: str


class ChainEventBase(BaseModel):
    """Common envelope data of every chain event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    sequence: int = Field(ge=1, description="Position in this chain's timeline, from 1.")
    occurred_at: AwareDatetime
    participant_id: ParticipantId

    @property
    def event_type(self) -> str:
        """CloudEvents type name, `kette.chain.<kind>.v1`."""
        return f"kette.chain.{self.kind}.v1"
