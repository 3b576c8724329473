"""What the API takes and returns; personal data and pseudonymous facts kept apart."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kette_core.contracts.participants import (
    ApproachChannel,
    ApproachOutcome,
    ConsentTextVersion,
)
from kette_core.contracts.vocabulary import (
    Activity,
    AgeBand,
    Constraints,
    Gender,
    Goal,
    LanguageLevel,
    ResidenceStatus,
    SchoolCertificate,
    VocationalQualification,
)
from kette_intake.dates import RequestDate, RequestEventDate

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()/-]{5,30}$")]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
]
_CLOSED = ConfigDict(extra="forbid")
CURRENT_CONSENT_TEXT = "einwilligung-2026-01"
"""The consent text the registration form shows today; a new text gets a new version."""


class Address(BaseModel):
    """Where the person lives."""

    model_config = _CLOSED

    street: Text
    postal_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")]
    town: Text


class PersonalData(BaseModel):
    """Stored only encrypted, shown only to an authorised caseworker, never in an event."""

    model_config = _CLOSED

    given_name: Text
    family_name: Text
    birth_date: RequestDate = Field(description="Day of birth; leaves intake only as age band.")
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None
    nationality: Text = Field(description="Nationality, or 'stateless'.")
    languages_spoken: list[Text] = Field(default_factory=list, max_length=20)


class Profile(BaseModel):
    """The pseudonymous facts the chain plans with."""

    model_config = _CLOSED

    gender: Gender = Gender.UNSPECIFIED
    residence_status: ResidenceStatus
    residence_status_expires_on: RequestEventDate | None = None
    language_level: LanguageLevel
    school_certificate: SchoolCertificate
    vocational_qualification: VocationalQualification = VocationalQualification.NONE
    current_activity: Activity = Field(
        description="Training or work the person is already in: the old monitoring lost them."
    )
    goal: Goal
    constraints: Constraints


class Intent(StrEnum):
    """What the caseworker asks for: enrol the person, or record the contact only."""

    ENROL = "enrol"
    APPROACH = "approach"


class Approach(BaseModel):
    """How the contact came about and why the person is not enrolled (yet)."""

    model_config = _CLOSED

    channel: ApproachChannel
    outcome: ApproachOutcome


class Registration(BaseModel):
    """One person as the caseworker submits them."""

    model_config = _CLOSED

    intent: Intent = Intent.ENROL
    kommune: Text
    personal: PersonalData
    profile: Profile
    consent_to_share: bool = Field(description="Consent to share data with providers given.")
    consent_text_version: ConsentTextVersion = Field(
        default=CURRENT_CONSENT_TEXT,
        description="Version of the consent text the person signed (recorded with the consent).",
    )
    age_exception_reason: Text | None = Field(
        default=None, description="Why a person under 18 is taken in (a justified exception)."
    )
    approach: Approach | None = Field(
        default=None, description="Required when intent is 'approach'."
    )
    confirmed_not_duplicate: bool = Field(
        default=False,
        description="The caseworker checked the duplicate warning: this is another person.",
    )


class EligibilityCheck(BaseModel):
    """Enough to explain eligibility before anything is saved."""

    model_config = _CLOSED

    kommune: Text
    birth_date: RequestDate
    residence_status: ResidenceStatus
    age_exception_reason: Text | None = None


class Finding(BaseModel):
    """One reason a person is not eligible, naming the field it comes from."""

    field: str
    reason: str


class EligibilityAnswer(BaseModel):
    """Eligible, or every reason why not."""

    eligible: bool
    age_band: AgeBand | None
    eligibility_ends_on: date | None
    findings: list[Finding]


class ParticipantStatus(StrEnum):
    """Enrolled people start a chain; approached ones are counted only."""

    ENROLLED = "enrolled"
    APPROACHED = "approached"


class RegistrationAnswer(BaseModel):
    """What a registration created (the same again for a repeated idempotency key)."""

    participant_id: str
    status: ParticipantStatus
    eligibility: EligibilityAnswer


class ParticipantView(BaseModel):
    """A participant with personal data, for a caseworker allowed to see them."""

    participant_id: str
    status: ParticipantStatus
    kommune: str
    programme_id: str
    registered_on: date
    personal: PersonalData
    profile: Profile
