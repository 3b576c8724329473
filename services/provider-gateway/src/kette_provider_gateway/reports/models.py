"""The REST bodies of provider reports: one model per type, told apart by `type`.

Unknown fields are refused, so nothing personal (names, diagnoses, free text) can slip in.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.referrals import (
    MAX_PERIOD_HOURS,
    DropOutReason,
    ExamKind,
    RejectionReason,
)
from kette_core.contracts.vocabulary import LanguageLevel, SchoolCertificate
from kette_provider_gateway.referrals.states import ReportKind

ReportId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="The provider's own id of this report; sending it again changes nothing.",
    ),
]


class ReportBody(BaseModel):
    """What every report names."""

    model_config = ConfigDict(extra="forbid")

    report_id: ReportId
    referral_id: str = Field(min_length=1, max_length=200, description="Referral reported on.")
    occurred_on: date = Field(description="Day the reported fact happened.")

    def contract_fields(self) -> dict[str, Any]:
        """The fields the provider-status event carries beyond ids and day."""
        common = {"type", "report_id", "referral_id", "occurred_on"}
        return self.model_dump(mode="json", exclude=common)


class Accepted(ReportBody):
    """The provider takes the referral."""

    type: Literal[ReportKind.ACCEPTED]
    starts_on: date | None = Field(default=None, description="Planned start, if known.")


class Rejected(ReportBody):
    """The provider cannot take the referral."""

    type: Literal[ReportKind.REJECTED]
    reason: RejectionReason = Field(description="Why not.")


class Enrolled(ReportBody):
    """The person started."""

    type: Literal[ReportKind.ENROLLED]
    planned_end_on: date | None = Field(default=None, description="Planned end of the offer.")


class Attendance(ReportBody):
    """Attendance over a period; the chain reads the share of planned hours attended."""

    type: Literal[ReportKind.ATTENDANCE]
    period_start: date
    period_end: date
    attended_hours: float = Field(ge=0, le=MAX_PERIOD_HOURS, allow_inf_nan=False)
    planned_hours: float = Field(gt=0, le=MAX_PERIOD_HOURS, allow_inf_nan=False)


class ExamResult(ReportBody):
    """An exam taken in the offer, e.g. telc B1 passed."""

    type: Literal[ReportKind.EXAM_RESULT]
    exam: ExamKind
    passed: bool
    language_level_reached: LanguageLevel | None = None
    certificate_obtained: SchoolCertificate | None = None


class Completed(ReportBody):
    """The person completed the offer."""

    type: Literal[ReportKind.COMPLETED]
    language_level_reached: LanguageLevel | None = None


class DroppedOut(ReportBody):
    """The person left early, for a reason from the list."""

    type: Literal[ReportKind.DROPPED_OUT]
    reason: DropOutReason


class PlaceUnavailable(ReportBody):
    """The place offered is gone; the chain looks for another offer."""

    type: Literal[ReportKind.PLACE_UNAVAILABLE]

    def contract_fields(self) -> dict[str, Any]:
        """Published as a rejection for lack of places."""
        return {"reason": RejectionReason.NO_PLACES.value}


Report = Annotated[
    Accepted
    | Rejected
    | Enrolled
    | Attendance
    | ExamResult
    | Completed
    | DroppedOut
    | PlaceUnavailable,
    Field(discriminator="type"),
]


class ReportReceipt(BaseModel):
    """The answer to an accepted report, the same however often it is sent."""

    event_id: str = Field(description="ce_id of the event on kette.provider-status.v1.")
    referral_id: str
    referral_state: str = Field(description="The referral's state after the report.")
    duplicate: bool = Field(description="This report id was accepted before; nothing changed.")
