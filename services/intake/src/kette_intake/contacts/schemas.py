"""What the gateway asks and what it gets: the contact, nothing else of the person."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ProviderIdParam = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,62}$")]
"""A provider id that makes a valid actor id `prov-<id>` (three characters at least)."""
ReferralIdParam = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ContactDetails(BaseModel):
    """How a provider reaches the person: names, phone, email, languages; no birth date,
    address, nationality or profile."""

    model_config = ConfigDict(extra="forbid")

    participant_id: str
    given_name: str
    family_name: str
    phone: str | None = None
    email: str | None = None
    languages_spoken: list[str] = Field(
        default_factory=list, description="Languages the person speaks, first the preferred."
    )
