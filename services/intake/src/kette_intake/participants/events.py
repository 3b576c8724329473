"""The events a registration or a read produces: pseudonymous facts only, never personal data."""

from __future__ import annotations

from datetime import date

from kette_core.contracts.access import AccessPurpose, PiiField, PiiRead
from kette_core.contracts.participants import ParticipantApproached, ParticipantRegistered
from kette_core.contracts.vocabulary import Actor
from kette_intake.participants.schemas import (
    EligibilityAnswer,
    PersonalData,
    Registration,
)

SERVICE = "intake"


def registered(
    participant_id: str,
    ki_id: str,
    programme_id: str,
    registration: Registration,
    eligibility: EligibilityAnswer,
    actor: Actor,
    today: date,
) -> ParticipantRegistered:
    """The enrolment as the chain needs it; the birth date appears only as band and month end."""
    profile = registration.profile
    return ParticipantRegistered(
        participant_id=participant_id,
        ki_id=ki_id,
        kommune=registration.kommune,
        programme_id=programme_id,
        registered_on=today,
        age_band=eligibility.age_band,
        eligibility_ends_on=eligibility.eligibility_ends_on,
        gender=profile.gender,
        residence_status=profile.residence_status,
        residence_status_expires_on=profile.residence_status_expires_on,
        language_level=profile.language_level,
        school_certificate=profile.school_certificate,
        vocational_qualification=profile.vocational_qualification,
        current_activity=profile.current_activity,
        goal=profile.goal,
        constraints=profile.constraints,
        consent_to_share=registration.consent_to_share,
        registered_by=actor,
    )


def approached(
    participant_id: str,
    ki_id: str,
    registration: Registration,
    eligibility: EligibilityAnswer,
    actor: Actor,
    today: date,
) -> ParticipantApproached:
    """A contact that did not (yet) lead to enrolment, so the state's figures count it."""
    if registration.approach is None:
        raise ValueError("an approach needs its channel and outcome")
    return ParticipantApproached(
        participant_id=participant_id,
        ki_id=ki_id,
        kommune=registration.kommune,
        approached_on=today,
        channel=registration.approach.channel,
        age_band=eligibility.age_band,
        gender=registration.profile.gender,
        residence_status=registration.profile.residence_status,
        outcome=registration.approach.outcome,
        approached_by=actor,
    )


def fields_of(personal: PersonalData) -> tuple[PiiField, ...]:
    """The kinds of personal data a full view shows (names of fields, never values)."""
    shown = [PiiField.NAME, PiiField.BIRTH_DATE, PiiField.NATIONALITY]
    if personal.phone:
        shown.append(PiiField.PHONE)
    if personal.email:
        shown.append(PiiField.EMAIL)
    if personal.address:
        shown.append(PiiField.ADDRESS)
    if personal.languages_spoken:
        shown.append(PiiField.LANGUAGES_SPOKEN)
    return tuple(shown)


def read(
    participant_id: str,
    personal: PersonalData,
    actor: Actor,
    fields: tuple[PiiField, ...] | None = None,
) -> PiiRead:
    """One read of one person's data by one caseworker (all fields shown, or only `fields`)."""
    return PiiRead(
        participant_id=participant_id,
        actor=actor,
        fields_read=fields_of(personal) if fields is None else fields,
        purpose=AccessPurpose.CASE_MANAGEMENT,
        via_service=SERVICE,
    )
