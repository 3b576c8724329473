"""Chain events about the case as a whole: tasks, pauses, goal, status, consent, closing."""

from __future__ import annotations

from datetime import date
from typing import Literal

from kette_core.contracts.base import ActorId
from kette_core.contracts.vocabulary import (
    Activity,
    LanguageLevel,
    OccupationField,
    ResidenceStatus,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)
from kette_workflows.domain.event_base import ChainEventBase
from kette_workflows.domain.profile import EligibilityException
from kette_workflows.domain.vocabulary import (
    CloseReason,
    PauseReason,
    TaskKind,
    TaskResolution,
)


class TaskOpened(ChainEventBase):
    """Something needs the caseworker."""

    kind: Literal["task_opened"] = "task_opened"
    task_id: str
    task_kind: TaskKind
    stage: Stage | None
    referral_id: str | None
    due_on: date | None


class TaskClosed(ChainEventBase):
    """A task was done or became moot."""

    kind: Literal["task_closed"] = "task_closed"
    task_id: str
    task_kind: TaskKind
    resolution: TaskResolution
    decided_by: ActorId | None = None


class CasePaused(ChainEventBase):
    """The case rests; no new referrals until it resumes."""

    kind: Literal["case_paused"] = "case_paused"
    reason: PauseReason
    decided_by: ActorId


class CaseResumed(ChainEventBase):
    """The case runs again."""

    kind: Literal["case_resumed"] = "case_resumed"
    decided_by: ActorId


class GoalChanged(ChainEventBase):
    """A new goal was agreed; a re-plan follows."""

    kind: Literal["goal_changed"] = "goal_changed"
    previous_goal_stage: Stage
    goal_stage: Stage
    occupation_field: OccupationField | None = None
    decided_by: ActorId


class ProfileFactsUpdated(ChainEventBase):
    """Assessed facts changed (e.g. a passed exam); only changed fields are set."""

    kind: Literal["profile_facts_updated"] = "profile_facts_updated"
    language_level: LanguageLevel | None = None
    school_certificate: SchoolCertificate | None = None
    vocational_qualification: VocationalQualification | None = None
    employment_ban: bool | None = None
    childcare_needed: bool | None = None
    decided_by: ActorId | None = None


class EligibilityExceptionRecorded(ChainEventBase):
    """A justified exception to the age limit was recorded."""

    kind: Literal["eligibility_exception_recorded"] = "eligibility_exception_recorded"
    exception: EligibilityException
    decided_by: ActorId


class ResidenceStatusRecorded(ChainEventBase):
    """The chain took note of a new residence status class."""

    kind: Literal["residence_status_recorded"] = "residence_status_recorded"
    new_status: ResidenceStatus
    expires_on: date | None
    removal_ordered: bool


class ConsentWithdrawn(ChainEventBase):
    """Sharing with providers stopped."""

    kind: Literal["consent_withdrawn"] = "consent_withdrawn"
    withdrawn_referral_ids: list[str]


class ConsentGiven(ChainEventBase):
    """Sharing with providers may resume."""

    kind: Literal["consent_given"] = "consent_given"


class CaseClosed(ChainEventBase):
    """The case ended."""

    kind: Literal["case_closed"] = "case_closed"
    reason: CloseReason
    decided_by: ActorId | None = None
    last_stage: Stage | None
    activity_at_exit: Activity
    withdrawn_referral_ids: list[str]


class CaseHandedOver(ChainEventBase):
    """The case went to the Jobcenter (SGB II) with a residence permit: handed over, not dropped."""

    kind: Literal["case_handed_over"] = "case_handed_over"
    to: Literal["jobcenter"] = "jobcenter"
    reason: CloseReason
    last_stage: Stage | None
    activity_at_exit: Activity
    withdrawn_referral_ids: list[str]
