"""Audit trail of every read of personal data."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from kette_core.contracts import topics
from kette_core.contracts.base import (
    EXAMPLE_PARTICIPANT,
    EventPayload,
    ParticipantId,
    Slug,
    example_config,
)
from kette_core.contracts.vocabulary import Actor


class PiiField(StrEnum):
    """Which kind of personal data was read (the names of fields, never their values)."""

    NAME = "name"
    BIRTH_DATE = "birth_date"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    NATIONALITY = "nationality"
    LANGUAGES_SPOKEN = "languages_spoken"
    RESIDENCE_DOCUMENT = "residence_document"
    NOTES = "notes"


class AccessPurpose(StrEnum):
    """Why the data was read; purpose limitation (Art. 5 DSGVO)."""

    CASE_MANAGEMENT = "case_management"
    REFERRAL_CONTACT = "referral_contact"
    DATA_SUBJECT_REQUEST = "data_subject_request"
    ERASURE = "erasure"
    AUDIT = "audit"


class PiiRead(EventPayload):
    """Someone read personal data of a participant."""

    channels: ClassVar[tuple[str, ...]] = (topics.ACCESS,)
    event_type: ClassVar[str] = "kette.access.pii_read.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        actor={"role": "provider", "actor_id": "prov-vhs-unna"},
        fields_read=["name", "phone"],
        purpose="referral_contact",
        via_service="provider-gateway",
    )

    participant_id: ParticipantId
    actor: Actor = Field(description="Who read the data.")
    fields_read: tuple[PiiField, ...] = Field(min_length=1, description="Kinds of data read.")
    purpose: AccessPurpose = Field(description="Why it was read.")
    via_service: Slug = Field(description="Service that served the data, e.g. 'intake'.")
