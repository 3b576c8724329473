"""Referrals to a provider and the provider's reports about them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator
from pydantic.config import JsonDict

from kette_core.contracts import topics
from kette_core.contracts.base import (
    EXAMPLE_OFFER,
    EXAMPLE_PARTICIPANT,
    EXAMPLE_PROVIDER,
    EXAMPLE_REFERRAL,
    EventDate,
    EventPayload,
    Identifier,
    ParticipantId,
    ProviderId,
    example_config,
)
from kette_core.contracts.chain import ReferralWithdrawalReason
from kette_core.contracts.vocabulary import LanguageLevel, Module, SchoolCertificate, Stage

_EXAMPLE_REPORT_IDS: JsonDict = {
    "referral_id": EXAMPLE_REFERRAL,
    "participant_id": EXAMPLE_PARTICIPANT,
    "provider_id": EXAMPLE_PROVIDER,
}
"""Ids every example of a referral or provider report carries."""


class ReferralEvent(EventPayload):
    """Referrals go to the provider's own topic, which only that provider may read."""

    channels: ClassVar[tuple[str, ...]] = (topics.PROVIDER_REFERRALS_CHANNEL,)

    referral_id: Identifier = Field(description="Id of the referral (Zuweisung).")
    participant_id: ParticipantId
    provider_id: ProviderId

    def target_topic(self) -> str:
        """The addressed provider's referrals topic."""
        return topics.provider_referrals_topic(self.provider_id)


class ReferralIssued(ReferralEvent):
    """A person is referred to an offer; contact details are fetched from the gateway."""

    event_type: ClassVar[str] = "kette.referral.issued.v1"
    model_config = example_config(
        **_EXAMPLE_REPORT_IDS,
        offer_id=EXAMPLE_OFFER,
        module="F4",
        stage="language",
        language_level="A2",
        childcare_needed=True,
        response_due="2024-03-18",
        contact_details_available=True,
    )

    offer_id: Identifier = Field(description="Offer referred to.")
    module: Module = Field(description="Support module of the offer.")
    stage: Stage = Field(description="Stage the referral serves.")
    language_level: LanguageLevel = Field(description="German level, for placement.")
    childcare_needed: bool = Field(description="Participation needs childcare.")
    response_due: EventDate = Field(description="Day by which the provider should answer.")
    contact_details_available: bool = Field(
        description="Consent allows the provider to fetch contact details from the gateway."
    )


class ReferralWithdrawnForProvider(ReferralEvent):
    """The referral is withdrawn; the provider must stop processing it."""

    event_type: ClassVar[str] = "kette.referral.withdrawn.v1"
    model_config = example_config(**_EXAMPLE_REPORT_IDS, reason="replanned")

    reason: ReferralWithdrawalReason = Field(description="Why it was withdrawn.")


class ProviderReport(EventPayload):
    """Providers write to their reports topic; the gateway republishes validated reports."""

    channels: ClassVar[tuple[str, ...]] = (
        topics.PROVIDER_STATUS,
        topics.PROVIDER_REPORTS_CHANNEL,
    )

    referral_id: Identifier = Field(description="Referral the report is about.")
    participant_id: ParticipantId
    provider_id: ProviderId
    occurred_on: EventDate = Field(description="Day the reported fact happened.")


class RejectionReason(StrEnum):
    """Why a provider could not take a referral."""

    NO_PLACES = "no_places"
    LANGUAGE_LEVEL_TOO_LOW = "language_level_too_low"
    NOT_ELIGIBLE = "not_eligible"
    SCHEDULE_CONFLICT = "schedule_conflict"
    PARTICIPANT_UNREACHABLE = "participant_unreachable"
    OTHER = "other"


class DropOutReason(StrEnum):
    """Drop-out category; health and family share one code on purpose (Art. 9 DSGVO)."""

    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    TOOK_UP_WORK = "took_up_work"
    MOVED_AWAY = "moved_away"
    LOST_CONTACT = "lost_contact"
    RESIDENCE_STATUS = "residence_status"
    OTHER = "other"


class ExamKind(StrEnum):
    """Kind of exam."""

    DTZ = "dtz"
    LANGUAGE_CERTIFICATE = "language_certificate"
    SCHOOL_CERTIFICATE = "school_certificate"
    CHAMBER_FINAL = "chamber_final"
    OTHER = "other"


class ReferralAccepted(ProviderReport):
    """The provider accepts the referral."""

    event_type: ClassVar[str] = "kette.referral.accepted.v1"
    model_config = example_config(
        **_EXAMPLE_REPORT_IDS, occurred_on="2024-03-11", starts_on="2024-04-08"
    )

    starts_on: EventDate | None = Field(default=None, description="Planned start, if known.")


class ReferralRejected(ProviderReport):
    """The provider cannot take the referral."""

    event_type: ClassVar[str] = "kette.referral.rejected.v1"
    model_config = example_config(
        **_EXAMPLE_REPORT_IDS, occurred_on="2024-03-11", reason="no_places"
    )

    reason: RejectionReason = Field(description="Why not.")


class ParticipantEnrolled(ProviderReport):
    """The person started the offer."""

    event_type: ClassVar[str] = "kette.referral.enrolled.v1"
    model_config = example_config(
        **_EXAMPLE_REPORT_IDS, occurred_on="2024-04-08", planned_end_on="2024-10-04"
    )

    planned_end_on: EventDate | None = Field(default=None, description="Planned end of the offer.")


MAX_PERIOD_HOURS = 2000.0
"""More teaching hours than a full year of full-time courses in one report is not a fact."""


class AttendanceReported(ProviderReport):
    """Attendance for a period, which F4 is paid by."""

    event_type: ClassVar[str] = "kette.referral.attendance_reported.v1"
    model_config = example_config(
        **_EXAMPLE_REPORT_IDS,
        occurred_on="2024-05-01",
        period_start="2024-04-08",
        period_end="2024-04-30",
        attended_hours=54.0,
        planned_hours=60.0,
    )

    period_start: EventDate = Field(description="First day of the period.")
    period_end: EventDate = Field(description="Last day of the period.")
    attended_hours: float = Field(
        ge=0, le=MAX_PERIOD_HOURS, allow_inf_nan=False, description="Teaching hours attended."
    )
    planned_hours: float = Field(
        gt=0, le=MAX_PERIOD_HOURS, allow_inf_nan=False, description="Teaching hours planned."
    )

    @model_validator(mode="after")
    def _period_and_hours_fit(self) -> Self:
        """A period that ends before it starts, or more hours attended than planned, is a
        provider bug, not a fact."""
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        if self.attended_hours > self.planned_hours:
            raise ValueError("attended_hours must not exceed planned_hours")
        return self


class ExamResultReported(ProviderReport):
    """Result of an exam taken in the offer."""

    event_type: ClassVar[str] = "kette.referral.exam_result_reported.v1"
    model_config = example_config(
        **_EXAMPLE_REPORT_IDS,
        occurred_on="2024-07-10",
        exam="dtz",
        passed=True,
        language_level_reached="B1",
    )

    exam: ExamKind = Field(description="Kind of exam.")
    passed: bool = Field(description="The exam was passed.")
    language_level_reached: LanguageLevel | None = Field(
        default=None, description="German level certified, for language exams."
    )
    certificate_obtained: SchoolCertificate | None = Field(
        default=None, description="School certificate obtained, for school exams."
    )


class ReferralCompleted(ProviderReport):
    """The person completed the offer."""

    event_type: ClassVar[str] = "kette.referral.completed.v1"
    model_config = example_config(
        **_EXAMPLE_REPORT_IDS, occurred_on="2024-10-04", language_level_reached="B1"
    )

    language_level_reached: LanguageLevel | None = Field(
        default=None, description="German level at the end, if assessed."
    )


class ParticipantDroppedOut(ProviderReport):
    """The person left the offer early."""

    event_type: ClassVar[str] = "kette.referral.dropped_out.v1"
    model_config = example_config(
        **_EXAMPLE_REPORT_IDS, occurred_on="2024-06-14", reason="took_up_work"
    )

    reason: DropOutReason = Field(description="Drop-out category.")


class ReportRefusalReason(StrEnum):
    """Why the gateway refused a report from a provider's reports topic (the REST API's codes)."""

    NOT_YOUR_TOPIC = "not_your_topic"
    REVOKED = "revoked"
    UNKNOWN_REFERRAL = "unknown_referral"
    MISMATCH = "mismatch"
    REUSED = "reused"
    INVALID = "invalid"
    INVALID_EVENT = "invalid_event"
    REFERRAL_WITHDRAWN = "referral_withdrawn"
    ALREADY_REPORTED = "already_reported"
    REFERRAL_CLOSED = "referral_closed"
    NOT_ENROLLED = "not_enrolled"
    NOT_ACCEPTED = "not_accepted"
    OUT_OF_ORDER = "out_of_order"


class ReportRefused(EventPayload):
    """A report from the provider's reports topic was refused and changed nothing."""

    event_type: ClassVar[str] = "kette.referral.report_refused.v1"
    channels: ClassVar[tuple[str, ...]] = (topics.PROVIDER_REFERRALS_CHANNEL,)
    model_config = example_config(
        provider_id=EXAMPLE_PROVIDER,
        report_id="2b1f0c34-4c4b-4f55-9a8d-0d7c43b1a6b0",
        report_type="kette.referral.completed.v1",
        referral_id=EXAMPLE_REFERRAL,
        reason="not_enrolled",
        field="type",
        message="report enrolled first; the referral is accepted",
    )

    provider_id: ProviderId
    report_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="ce_id of the refused record on the provider's reports topic."
    )
    report_type: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="ce_type of the refused record, if readable."
    )
    referral_id: Identifier | None = Field(
        default=None, description="Referral the refused report named, if it could be read."
    )
    reason: ReportRefusalReason = Field(description="Why it was refused, as a code.")
    field: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Header or payload field the refusal is about."
    )
    message: Annotated[str, StringConstraints(max_length=500)] = Field(
        description="The refusal in English; names fields, never their values."
    )

    def target_topic(self) -> str:
        """The referrals topic the provider already reads: no new topic, no new ACL."""
        return topics.provider_referrals_topic(self.provider_id)
