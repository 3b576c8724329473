"""Caseworker decisions: one input model per Temporal Update, each naming the caseworker."""

from __future__ import annotations

from datetime import date

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.base import ActorId, Identifier, ProviderId
from kette_core.contracts.vocabulary import (
    Constraints,
    Goal,
    LanguageLevel,
    Module,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)
from kette_workflows.domain.profile import EligibilityException
from kette_workflows.domain.vocabulary import (
    CloseReason,
    PauseReason,
    ReorderReason,
    ReportKind,
    SkipReason,
)


class Decision(BaseModel):
    """Every decision is attributable to a pseudonymous caseworker id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ClassVar[str]
    """The decision's name: its Temporal Update and its path in the HTTP API."""

    caseworker_id: ActorId


class ConfirmOffer(Decision):
    """Refer to one of the offers matching proposed."""

    name: ClassVar[str] = "confirm_offer"

    stage: Stage
    offer_id: str


class ChooseOtherOffer(Decision):
    """Refer to an offer the caseworker found herself."""

    name: ClassVar[str] = "choose_other_offer"

    stage: Stage
    offer_id: Identifier
    provider_id: ProviderId
    module: Module | None = None


class RequestNewMatch(Decision):
    """Ask matching again, e.g. after a drop-out or when no offer fitted."""

    name: ClassVar[str] = "request_new_match"

    stage: Stage


class SkipStage(Decision):
    """Leave a stage out."""

    name: ClassVar[str] = "skip_stage"

    stage: Stage
    reason: SkipReason


class ReorderStages(Decision):
    """New order of the stages not yet begun."""

    name: ClassVar[str] = "reorder_stages"

    order: list[Stage]
    reason: ReorderReason


class RecordOutcome(Decision):
    """An outcome the provider did not report; without referral_id it concerns the stage."""

    name: ClassVar[str] = "record_outcome"

    stage: Stage
    outcome: ReportKind
    referral_id: str | None = None
    occurred_on: date | None = Field(default=None, description="Day it happened; default today.")
    attendance_percent: int | None = Field(default=None, ge=0, le=100)
    exam_passed: bool | None = None
    exam_level: LanguageLevel | None = None


class PauseCase(Decision):
    """Rest the case (personal circumstances such as illness or pregnancy, childcare, other)."""

    name: ClassVar[str] = "pause_case"

    reason: PauseReason


class ResumeCase(Decision):
    """End the pause."""

    name: ClassVar[str] = "resume_case"


class ChangeGoal(Decision):
    """Agree a new goal; the chain re-plans and keeps completed stages."""

    name: ClassVar[str] = "change_goal"

    goal: Goal


class UpdateProfile(Decision):
    """Newly assessed facts; the chain re-plans. Only set fields change."""

    name: ClassVar[str] = "update_profile"

    language_level: LanguageLevel | None = None
    school_certificate: SchoolCertificate | None = None
    vocational_qualification: VocationalQualification | None = None
    constraints: Constraints | None = None


class CloseCase(Decision):
    """End the case; a residence permit hands it over to the Jobcenter."""

    name: ClassVar[str] = "close_case"

    reason: CloseReason


class RecordEligibilityException(Decision):
    """Record a justified exception to the age limit of 27."""

    name: ClassVar[str] = "record_eligibility_exception"

    exception: EligibilityException


class RecordFollowUp(Decision):
    """Result of the follow-up after a job start."""

    name: ClassVar[str] = "record_follow_up"

    still_employed: bool


class CompleteTask(Decision):
    """Mark a task done."""

    name: ClassVar[str] = "complete_task"

    task_id: str


DECISION_TYPES: dict[str, type[Decision]] = {
    kind.name: kind
    for kind in (
        ConfirmOffer,
        ChooseOtherOffer,
        RequestNewMatch,
        SkipStage,
        ReorderStages,
        RecordOutcome,
        PauseCase,
        ResumeCase,
        ChangeGoal,
        UpdateProfile,
        CloseCase,
        RecordEligibilityException,
        RecordFollowUp,
        CompleteTask,
    )
}
"""Every decision by name: the one registry the workflow, the client and the API read."""
