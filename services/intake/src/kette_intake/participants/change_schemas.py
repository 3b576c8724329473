"""What the change endpoints take and return; personal values never appear in a view."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.participants import ConsentScope, ConsentTextVersion
from kette_core.contracts.vocabulary import (
    Activity,
    Constraints,
    Gender,
    Goal,
    LanguageLevel,
    PermitBasis,
    ResidenceStatus,
    SchoolCertificate,
    VocationalQualification,
)
from kette_intake.dates import RequestEventDate
from kette_intake.participants.schemas import Address, Email, Phone, Text

_CLOSED = ConfigDict(extra="forbid")


class ResidenceStatusChange(BaseModel):
    """A new residence status as the Ausländerbehörde decided it."""

    model_config = _CLOSED

    new_status: ResidenceStatus
    permit_basis: PermitBasis | None = Field(default=None, description="Legal basis, if any.")
    expires_on: RequestEventDate | None = Field(
        default=None, description="Expiry of the new status."
    )
    removal_ordered: bool = Field(default=False, description="Removal ordered; closes the chain.")
    changed_on: RequestEventDate = Field(description="Day the new status took effect.")


class ConsentGrant(BaseModel):
    """A signed consent: what it covers, the day, and the version of the text shown."""

    model_config = _CLOSED

    scope: ConsentScope = ConsentScope.SHARE_WITH_PROVIDERS
    given_on: RequestEventDate = Field(description="Day the person signed.")
    text_version: ConsentTextVersion


class ConsentWithdrawal(BaseModel):
    """The person withdrew their consent; sharing stops."""

    model_config = _CLOSED

    withdrawn_on: RequestEventDate = Field(description="Day the person withdrew.")


class ProfileChanges(BaseModel):
    """Pseudonymous facts to change; only the fields sent change."""

    model_config = _CLOSED

    gender: Gender | None = None
    language_level: LanguageLevel | None = None
    school_certificate: SchoolCertificate | None = None
    vocational_qualification: VocationalQualification | None = None
    current_activity: Activity | None = None
    goal: Goal | None = None
    constraints: Constraints | None = None


class PersonalChanges(BaseModel):
    """Personal data to correct; only the fields sent change, null removes an optional one.

    The birth date is not changed here: it decides eligibility and the chain's deadlines.
    """

    model_config = _CLOSED

    given_name: Text | None = None
    family_name: Text | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None
    nationality: Text | None = None
    languages_spoken: list[Text] | None = Field(default=None, max_length=20)


class ChangeKind(StrEnum):
    """Which kind of change a history entry records."""

    RESIDENCE_STATUS = "residence_status"
    PROFILE = "profile"
    PERSONAL = "personal"


class ChangeView(BaseModel):
    """One recorded change; a personal change names its fields, never their values."""

    change_id: str
    participant_id: str
    kind: ChangeKind
    fields: list[str]
    new_values: dict[str, Any] = Field(description="New pseudonymous values (empty if personal).")
    effective_on: date
    recorded_by: str
    recorded_at: datetime


class ConsentView(BaseModel):
    """One consent as recorded, with its withdrawal if any."""

    consent_id: str
    participant_id: str
    scope: ConsentScope
    given_on: date
    text_version: str
    recorded_by: str
    withdrawn_on: date | None
    withdrawn_by: str | None

    @property
    def active(self) -> bool:
        """Given and not withdrawn."""
        return self.withdrawn_on is None
