"""Codes of the running chain: closed lists instead of free text, so no personal data slips in."""

from __future__ import annotations

from enum import StrEnum

from kette_core.contracts.chain import OfferChoice as OfferChoice  # published = domain code
from kette_core.contracts.chain import OutcomeSource
from kette_core.contracts.chain import SkipReason as SkipReason  # published = domain code

ReportSource = OutcomeSource
"""Who reported an outcome: the provider, or the caseworker when the provider did not."""


class ChainStatus(StrEnum):
    """Where the case as a whole stands."""

    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"
    HANDED_OVER = "handed_over"


class StagePhase(StrEnum):
    """Where one stage stands while the chain runs."""

    PENDING = "pending"
    MATCHING = "matching"
    AWAITING_DECISION = "awaiting_decision"
    REFERRED = "referred"
    IN_PROGRESS = "in_progress"
    FOLLOW_UP = "follow_up"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    SKIPPED = "skipped"
    MET_AT_ENTRY = "met_at_entry"
    NOT_ELIGIBLE = "not_eligible"


class ReferralStatus(StrEnum):
    """Life of one referral (Zuweisung) at a provider."""

    SENT = "sent"
    ACCEPTED = "accepted"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    REJECTED = "rejected"
    DROPPED_OUT = "dropped_out"
    WITHDRAWN = "withdrawn"


class ReportKind(StrEnum):
    """What a provider (or the caseworker in its place) reports about a referral."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ENROLLED = "enrolled"
    ATTENDANCE = "attendance"
    EXAM_RESULT = "exam_result"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"


class TaskKind(StrEnum):
    """Things the caseworker has to look at."""

    PROVIDER_NO_RESPONSE = "provider_no_response"
    CHOOSE_OFFER = "choose_offer"
    NO_OFFER_FOUND = "no_offer_found"
    CASE_REVIEW = "case_review"
    ELIGIBILITY_ENDING = "eligibility_ending"
    RESIDENCE_EXPIRING = "residence_expiring"
    FOLLOW_UP = "follow_up"
    LOW_ATTENDANCE = "low_attendance"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    PROGRAMME_HINT = "programme_hint"
    PLAN_COMPLETED = "plan_completed"
    ARRANGE_STAGE = "arrange_stage"
    REPORT_REFUSED = "report_refused"


class ReorderReason(StrEnum):
    """Why the caseworker changed the order of the stages."""

    OFFER_AVAILABILITY = "offer_availability"
    PARTICIPANT_PREFERENCE = "participant_preference"
    OTHER = "other"


class CloseReason(StrEnum):
    """Why a case ended; `residence_permit` hands over to the Jobcenter instead of dropping."""

    MOVED_AWAY = "moved_away"
    RESIDENCE_PERMIT = "residence_permit"
    REMOVAL = "removal"
    WITHDREW = "withdrew"
    REACHED_27 = "reached_27"
    SUSTAINED_WORK = "sustained_work"
    GOAL_REACHED = "goal_reached"
    NO_LONGER_ELIGIBLE = "no_longer_eligible"


class WithdrawReason(StrEnum):
    """Why a referral was taken back from the provider."""

    CONSENT_WITHDRAWN = "consent_withdrawn"
    STAGE_SKIPPED = "stage_skipped"
    CASE_CLOSED = "case_closed"
    REPLANNED = "replanned"


class TimerKind(StrEnum):
    """The deadlines the workflow sleeps on."""

    PROVIDER_RESPONSE = "provider_response"
    CASE_REVIEW = "case_review"
    ELIGIBILITY_WARNING = "eligibility_warning"
    ELIGIBILITY_END = "eligibility_end"
    RESIDENCE_EXPIRY = "residence_expiry"
    JOB_FOLLOW_UP = "job_follow_up"
