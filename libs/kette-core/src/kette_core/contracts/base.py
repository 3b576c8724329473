"""Base class and shared value types of every event payload."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict, JsonValue

from kette_core.contracts.topics import PROVIDER_ID_PATTERN

EXAMPLE_PARTICIPANT = "p-0f8fad5b-d9cb-469f-a165-70867728950e"
EXAMPLE_PROVIDER = "vhs-unna"
EXAMPLE_REFERRAL = "ref-2024-000123"
EXAMPLE_REQUEST = "req-2024-000045"
EXAMPLE_OFFER = "offer-f4-unna-2024-2"
EXAMPLE_CASEWORKER: JsonDict = {"role": "caseworker", "actor_id": "cw-4b1d2c"}
EXAMPLE_CONSTRAINTS: JsonDict = {"childcare_needed": True, "employment_ban": False}
"""Values the payload examples share, so the documented events tell one participant's story."""

ParticipantId = Annotated[
    str,
    StringConstraints(pattern=r"^p-[0-9a-z-]{8,64}$"),
    Field(
        description="Pseudonymous participant id ('p-' + random id); never derived from "
        "personal data. Also the Kafka record key and the CloudEvents subject.",
        examples=[EXAMPLE_PARTICIPANT],
    ),
]
ProviderId = Annotated[
    str,
    StringConstraints(pattern=PROVIDER_ID_PATTERN),
    Field(
        description="Provider (Träger) id, a lowercase slug; part of the provider's topic names.",
        examples=[EXAMPLE_PROVIDER],
    ),
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
EventDate = Annotated[date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]
"""A calendar day within the programme's plausible range: a typo of a century is refused."""

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


P = TypeVar("P", bound=EventPayload)


def example_config(**payload: JsonValue) -> ConfigDict:
    """Declares a payload's example beside its fields, so a new event type is written once."""
    return ConfigDict(json_schema_extra={"examples": [payload]})


def example_for(model: type[P]) -> P:
    """The model's published example, validated, so docs and tests show one that parses."""
    examples = model.model_json_schema().get("examples")
    if not examples:
        raise LookupError(f"{model.event_type} declares no example")
    return model.model_validate(examples[0])
