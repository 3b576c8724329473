"""Events of the participant aggregate, written by intake to kette.participants.v1."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator

from kette_core.contracts import topics
from kette_core.contracts.base import (
    EXAMPLE_CASEWORKER,
    EXAMPLE_CONSTRAINTS,
    EXAMPLE_PARTICIPANT,
    EventDate,
    EventPayload,
    Kommune,
    ParticipantId,
    Slug,
    example_config,
)
from kette_core.contracts.vocabulary import (
    Activity,
    Actor,
    AgeBand,
    Constraints,
    Gender,
    Goal,
    LanguageLevel,
    PermitBasis,
    ResidenceStatus,
    SchoolCertificate,
    VocationalQualification,
)


class ParticipantEvent(EventPayload):
    """Every participant event is keyed by the participant, so their history stays ordered."""

    channels: ClassVar[tuple[str, ...]] = (topics.PARTICIPANTS,)

    participant_id: ParticipantId


class ApproachOutcome(StrEnum):
    """Why an approached person is not (yet) enrolled."""

    PENDING = "pending"
    DECLINED = "declined"
    NOT_ELIGIBLE = "not_eligible"
    UNREACHABLE = "unreachable"


class ApproachChannel(StrEnum):
    """How the person came into contact with the KI."""

    OUTREACH = "outreach"
    PARTNER_REFERRAL = "partner_referral"
    AUSLAENDERBEHOERDE = "auslaenderbehoerde"
    JOBCENTER = "jobcenter"
    SCHOOL = "school"
    SELF_REFERRAL = "self_referral"
    OTHER = "other"


class ConsentScope(StrEnum):
    """What the consent (Einwilligung) covers."""

    SHARE_WITH_PROVIDERS = "share_with_providers"


ConsentTextVersion = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$"),
    Field(
        description="Version of the consent text the person was shown and signed, e.g. "
        "'einwilligung-2026-01'; the text itself lives with intake.",
        examples=["einwilligung-2026-01"],
    ),
]


class ErasureGround(StrEnum):
    """Why the personal data was erased (Art. 17 DSGVO)."""

    DATA_SUBJECT_REQUEST = "data_subject_request"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    RETENTION_ENDED = "retention_ended"


class ParticipantRegistered(ParticipantEvent):
    """A person was enrolled with consent; the profile at entry, without personal data."""

    event_type: ClassVar[str] = "kette.participant.registered.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        ki_id="ki-kreis-unna",
        kommune="Bergkamen",
        programme_id="durchstarten",
        registered_on="2024-03-04",
        age_band="21-23",
        eligibility_ends_on="2029-08-31",
        gender="female",
        residence_status="duldung",
        residence_status_expires_on="2024-09-30",
        language_level="A2",
        school_certificate="foreign_recognised",
        vocational_qualification="none",
        current_activity="language_course",
        goal={"target_stage": "apprenticeship", "occupation_field": "production"},
        constraints=EXAMPLE_CONSTRAINTS,
        consent_to_share=True,
        registered_by=EXAMPLE_CASEWORKER,
    )

    ki_id: Slug = Field(description="Kommunales Integrationszentrum that runs the case.")
    kommune: Kommune
    programme_id: Slug = Field(description="Programme the person is enrolled in (data, not code).")
    registered_on: EventDate = Field(description="Day of enrolment.")
    age_band: AgeBand = Field(description="Age band at enrolment.")
    eligibility_ends_on: EventDate = Field(
        description="Last day of the month in which the person turns 27 (not the birth date)."
    )
    gender: Gender = Field(description="Gender category, for women's participation figures.")
    residence_status: ResidenceStatus = Field(description="Residence status class at entry.")
    residence_status_expires_on: EventDate | None = Field(
        default=None, description="Expiry of the current Duldung or permit, if any."
    )
    language_level: LanguageLevel = Field(description="Assessed German level at entry.")
    school_certificate: SchoolCertificate = Field(description="School certificate at entry.")
    vocational_qualification: VocationalQualification = Field(
        description="Vocational qualification at entry."
    )
    current_activity: Activity = Field(
        description="Training or work the person is already in at entry."
    )
    goal: Goal = Field(description="Agreed goal of the chain.")
    constraints: Constraints = Field(description="Constraints that rule offers in or out.")
    consent_to_share: bool = Field(
        description="Consent to share data with providers was given at registration."
    )
    registered_by: Actor = Field(description="Who registered the person.")

    @model_validator(mode="after")
    def _eligibility_fits_the_age_band(self) -> Self:
        """The month of the 27th birthday lies after enrolment and within the ten years an
        adult (18 or older) can have until then."""
        if self.eligibility_ends_on < self.registered_on:
            raise ValueError("eligibility_ends_on lies before registered_on: the person is past 27")
        ends, registered = self.eligibility_ends_on, self.registered_on
        if (ends.year - registered.year) * 12 + ends.month - registered.month > 120:
            raise ValueError(
                "eligibility_ends_on lies more than ten years after registered_on: "
                "the person would be younger than 17"
            )
        return self


class ParticipantApproached(ParticipantEvent):
    """A person was approached; recorded even if they never enrol (old monitoring's blind spot)."""

    event_type: ClassVar[str] = "kette.participant.approached.v1"
    model_config = example_config(
        participant_id="p-7c9e6679-7425-40de-944b-e07fc1f90ae7",
        ki_id="ki-kreis-unna",
        kommune="Lünen",
        approached_on="2024-02-20",
        channel="auslaenderbehoerde",
        age_band="18-20",
        gender="male",
        residence_status="aufenthaltsgestattung",
        outcome="declined",
        approached_by=EXAMPLE_CASEWORKER,
    )

    ki_id: Slug = Field(description="Kommunales Integrationszentrum that made the contact.")
    kommune: Kommune
    approached_on: EventDate = Field(description="Day of the first contact.")
    channel: ApproachChannel = Field(description="How the contact came about.")
    age_band: AgeBand | None = Field(default=None, description="Age band, if known.")
    gender: Gender = Field(default=Gender.UNSPECIFIED, description="Gender category, if known.")
    residence_status: ResidenceStatus | None = Field(
        default=None, description="Residence status class, if known."
    )
    outcome: ApproachOutcome = Field(description="Why the person is not enrolled (yet).")
    approached_by: Actor = Field(description="Who made the contact.")


class ResidenceStatusChanged(ParticipantEvent):
    """The residence status changed; it can end eligibility, hand over, or open doors."""

    event_type: ClassVar[str] = "kette.participant.residence_status_changed.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        previous_status="duldung",
        new_status="ausbildungsduldung",
        permit_basis="para_60c",
        expires_on="2027-07-31",
        changed_on="2024-08-01",
        recorded_by=EXAMPLE_CASEWORKER,
    )

    previous_status: ResidenceStatus = Field(description="Status class before the change.")
    new_status: ResidenceStatus = Field(description="Status class after the change.")
    permit_basis: PermitBasis | None = Field(
        default=None, description="Legal basis of the new status, where relevant."
    )
    expires_on: EventDate | None = Field(
        default=None, description="Expiry of the new status, if any."
    )
    removal_ordered: bool = Field(
        default=False, description="The person is to be removed (Abschiebung); closes the chain."
    )
    changed_on: EventDate = Field(description="Day the new status took effect.")
    recorded_by: Actor = Field(description="Who recorded the change.")


class ConsentGiven(ParticipantEvent):
    """Consent was given; sharing with providers may start."""

    event_type: ClassVar[str] = "kette.participant.consent_given.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        scope="share_with_providers",
        given_on="2024-03-04",
        text_version="einwilligung-2024-01",
        recorded_by=EXAMPLE_CASEWORKER,
    )

    scope: ConsentScope = Field(description="What the consent covers.")
    given_on: EventDate = Field(description="Day the consent was signed.")
    text_version: ConsentTextVersion | None = Field(
        default=None, description="Version of the consent text shown (absent in older events)."
    )
    recorded_by: Actor = Field(description="Who recorded the consent.")


class ConsentWithdrawn(ParticipantEvent):
    """Consent was withdrawn; sharing with providers must stop."""

    event_type: ClassVar[str] = "kette.participant.consent_withdrawn.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        scope="share_with_providers",
        withdrawn_on="2024-10-01",
        recorded_by=EXAMPLE_CASEWORKER,
    )

    scope: ConsentScope = Field(description="What the withdrawn consent covered.")
    withdrawn_on: EventDate = Field(description="Day the consent was withdrawn.")
    recorded_by: Actor = Field(description="Who recorded the withdrawal.")


class ProfileUpdated(ParticipantEvent):
    """Some profile facts changed; only the changed ones are set."""

    event_type: ClassVar[str] = "kette.participant.profile_updated.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        updated_on="2024-07-15",
        language_level="B1",
        updated_by=EXAMPLE_CASEWORKER,
    )

    updated_on: EventDate = Field(description="Day the change became known.")
    age_band: AgeBand | None = Field(default=None, description="New age band.")
    language_level: LanguageLevel | None = Field(default=None, description="New German level.")
    school_certificate: SchoolCertificate | None = Field(
        default=None, description="New school certificate."
    )
    vocational_qualification: VocationalQualification | None = Field(
        default=None, description="New vocational qualification."
    )
    current_activity: Activity | None = Field(default=None, description="New current activity.")
    goal: Goal | None = Field(default=None, description="New goal.")
    constraints: Constraints | None = Field(default=None, description="New constraints.")
    updated_by: Actor = Field(description="Who recorded the change.")

    @model_validator(mode="after")
    def _something_changed(self) -> Self:
        """An update that changes nothing is a bug at the producer."""
        changeable = (
            self.age_band,
            self.language_level,
            self.school_certificate,
            self.vocational_qualification,
            self.current_activity,
            self.goal,
            self.constraints,
        )
        if all(value is None for value in changeable):
            raise ValueError("at least one profile field must be set")
        return self


class ParticipantErased(ParticipantEvent):
    """Personal data destroyed (crypto-shredding), chain to close; pseudonymous facts stay."""

    event_type: ClassVar[str] = "kette.participant.erased.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        erased_on="2025-02-03",
        ground="data_subject_request",
        erased_by=EXAMPLE_CASEWORKER,
    )

    erased_on: EventDate = Field(description="Day the data key was destroyed.")
    ground: ErasureGround = Field(description="Why the data was erased.")
    erased_by: Actor = Field(description="Who carried out the erasure.")
