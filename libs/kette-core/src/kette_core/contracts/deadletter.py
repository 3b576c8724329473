"""Records a consumer could not process, kept findable without copying their content."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from kette_core.contracts import topics
from kette_core.contracts.base import EventPayload, example_config


class DeadLetterRecorded(EventPayload):
    """A record failed validation; it stays in Kafka at topic/partition/offset, not copied here."""

    channels: ClassVar[tuple[str, ...]] = (topics.DEADLETTER,)
    event_type: ClassVar[str] = "kette.deadletter.recorded.v1"
    model_config = example_config(
        original_topic="kette.provider-status.v1",
        original_partition=0,
        original_offset=1041,
        consumer_group="bridge",
        original_ce_type="kette.referral.accepted.v1",
        original_ce_id="2b1f0c34-4c4b-4f55-9a8d-0d7c43b1a6b0",
        reason="payload field occurred_on: Input should be a valid date",
        value_sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        value_size=214,
    )

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
