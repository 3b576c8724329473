"""What the claim check needs from intake, as a port: a test puts a fake behind it."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field


class Contact(BaseModel):
    """How to reach the person: what intake holds of it, nothing more."""

    model_config = ConfigDict(extra="ignore")

    given_name: str
    family_name: str
    phone: str | None = None
    email: str | None = None
    languages_spoken: list[str] = Field(
        default_factory=list, description="Languages the person speaks, first the preferred."
    )


class Denial(StrEnum):
    """Why intake gave no contact."""

    NO_CONSENT = "no_consent"
    NOT_FOUND = "participant_not_found"
    ERASED = "participant_erased"


class ContactDenied(Exception):
    """Intake answered, and the answer was no."""

    def __init__(self, denial: Denial) -> None:
        super().__init__(denial.value)
        self.denial = denial


class IntakeUnreachable(Exception):
    """Intake did not answer, or not as agreed; try again later."""


class IntakeContacts(Protocol):
    """Intake's claim check, asked on behalf of one provider for one referral."""

    async def contact(self, participant_id: str, provider_id: str, referral_id: str) -> Contact:
        """The contact, ContactDenied, or IntakeUnreachable."""
        ...
