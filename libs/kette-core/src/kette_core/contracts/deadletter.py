"""Records a consumer could not process, kept findable without copying their content."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from kette_core.contracts import topics
from kette_core.contracts.base import EventPayload


class DeadLetterRecorded(EventPayload):
    """A record failed validation; it stays in Kafka at topic/partition/offset, not copied here."""

    channels: ClassVar[tuple[str, ...]] = (topics.DEADLETTER,)
    event_type: ClassVar[str] = "kette.deadletter.recorded.v1"

    original_topic: str = Field(description="Topic of the rejected record.")
    original_partition: int = Field(ge=0, description="Partition of the rejected record.")
    original_offset: int = Field(ge=0, description="Offset of the rejected record.")
    consumer_group: str = Field(description="Consumer group that rejected it.")
    original_ce_type: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="Its ce_type header, if readable."
    )
    original_ce_id: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="Its ce_id header, if readable."
    )
    reason: str = Field(
        max_length=2000, description="Why it was rejected: header or field, and the problem."
    )
    value_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the record value, to match it later."
    )
    value_size: int = Field(ge=0, description="Size of the record value in bytes.")
