"""Base class and shared value types of every event payload."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kette_core.contracts.topics import PROVIDER_ID_PATTERN

ParticipantId = Annotated[
    str,
    StringConstraints(pattern=r"^p-[0-9a-z-]{8,64}$"),
    Field(
        description="Pseudonymous participant id ('p-' + random id); never derived from "
        "personal data. Also the Kafka record key and the CloudEvents subject.",
        examples=["p-0f8fad5b-d9cb-469f-a165-70867728950e"],
    ),
]
ProviderId = Annotated[
    str,
    StringConstraints(pattern=PROVIDER_ID_PATTERN),
    Field(
        description="Provider (Träger) id, a lowercase slug; part of the provider's topic names.",
        examples=["vhs-unna"],
    ),
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
ActorId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,12}-[0-9a-z-]{3,64}$"),
    Field(
        description="Pseudonymous id of a user or system (e.g. 'cw-…' for a caseworker); "
        "never a name or e-mail address.",
        examples=["cw-4b1d2c"],
    ),
]
Kommune = Annotated[
    str,
    StringConstraints(min_length=2, max_length=80),
    Field(
        description="Municipality: 8-digit AGS code or the official name of the town.",
        examples=["05978036", "Unna"],
    ),
]


class EventPayload(BaseModel):
    """Closed, immutable payloads: an unexpected field is rejected, so no PII slips in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    """CloudEvents `type`, `kette.<aggregate>.<event>.v<major>`."""
    channels: ClassVar[tuple[str, ...]]
    """Topics (or topic templates) this type appears on; the first is where it is published."""

    def target_topic(self) -> str:
        """Topic this payload is published to when the caller names none."""
        return self.channels[0]

    def partition_key(self) -> str | None:
        """Kafka record key and CloudEvents subject: the participant, to keep their order."""
        participant_id = getattr(self, "participant_id", None)
        return participant_id if isinstance(participant_id, str) else None
