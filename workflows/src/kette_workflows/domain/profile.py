"""The participant as the chain sees them: pseudonymous facts only, never personal data."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.base import Kommune, ParticipantId, Slug
from kette_core.contracts.chain import EligibilityException as EligibilityException
from kette_core.contracts.vocabulary import (
    Activity,
    Constraints,
    Goal,
    LanguageLevel,
    ResidenceStatus,
    SchoolCertificate,
    VocationalQualification,
    language_rank,
)


def highest_language_level(levels: list[LanguageLevel]) -> LanguageLevel | None:
    """The strictest of several language targets wins."""
    return max(levels, key=language_rank) if levels else None


class ParticipantProfile(BaseModel):
    """Everything planning needs, without birth date, name or address."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    participant_id: ParticipantId
    kommune: Kommune
    programme_id: Slug = Field(description="Programme definition the chain follows.")
    eligibility_ends_on: date = Field(
        description="Last day of the month the person turns 27; the birth date stays in intake."
    )
    eligibility_exception: EligibilityException | None = Field(
        default=None, description="Recorded justified exception to the age limit, if any."
    )
    residence_status: ResidenceStatus
    residence_status_expires_on: date | None = None
    language_level: LanguageLevel
    school_certificate: SchoolCertificate
    vocational_qualification: VocationalQualification
    current_activity: Activity = Field(description="Training or work the person is in at entry.")
    goal: Goal
    constraints: Constraints
    consent_to_share: bool = Field(description="Data may be shared with providers.")

    def with_changes(self, **changes: object) -> ParticipantProfile:
        """Profiles are immutable; a change yields a validated copy."""
        return ParticipantProfile.model_validate(self.model_dump() | changes)
