"""One valid example payload per event type, for the generated docs and for tests."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from kette_core.contracts.access import AccessPurpose, PiiField, PiiRead
from kette_core.contracts.base import EventPayload
from kette_core.contracts.chain import (
    ChainClosed,
    ChainPaused,
    ChainReplanned,
    ChainResumed,
    ChainStarted,
    ClosureReason,
    EligibilityException,
    EligibilityExceptionRecorded,
    FollowUpRecorded,
    GoalChanged,
    JobStarted,
    NoOfferFoundForStage,
    OfferChoice,
    OffersReceived,
    Outcome,
    OutcomeRecorded,
    OutcomeSource,
    PauseReason,
    PlannedStage,
    PlannedStageStatus,
    PlanReason,
    ProfileFactsUpdated,
    ReferralConfirmed,
    ReferralRequested,
    ReferralWithdrawalReason,
    ReferralWithdrawn,
    ReplanReason,
    SharingResumed,
    SharingStopped,
    SharingStopReason,
    SkipReason,
    StageCompleted,
    StageSkipped,
    StageStarted,
    TaskClosed,
    TaskKind,
    TaskOpened,
    TaskResolution,
)
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.matching import (
    GapReason,
    MatchReason,
    NoOfferFound,
    OffersProposed,
    Proposal,
)
from kette_core.contracts.participants import (
    ApproachChannel,
    ApproachOutcome,
    ConsentGiven,
    ConsentScope,
    ConsentWithdrawn,
    ParticipantApproached,
    ParticipantRegistered,
    ProfileUpdated,
    ResidenceStatusChanged,
)
from kette_core.contracts.referrals import (
    AttendanceReported,
    DropOutReason,
    ExamKind,
    ExamResultReported,
    ParticipantDroppedOut,
    ParticipantEnrolled,
    ReferralAccepted,
    ReferralCompleted,
    ReferralIssued,
    ReferralRejected,
    ReferralWithdrawnForProvider,
    RejectionReason,
)
from kette_core.contracts.vocabulary import (
    Activity,
    Actor,
    ActorRole,
    AgeBand,
    Constraints,
    Gender,
    Goal,
    LanguageLevel,
    Module,
    OccupationField,
    PermitBasis,
    ResidenceStatus,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)

PARTICIPANT = "p-0f8fad5b-d9cb-469f-a165-70867728950e"
PROVIDER = "vhs-unna"
REFERRAL = "ref-2024-000123"
REQUEST = "req-2024-000045"
OFFER = "offer-f4-unna-2024-2"
CASEWORKER = Actor(role=ActorRole.CASEWORKER, actor_id="cw-4b1d2c")
CONSTRAINTS = Constraints(childcare_needed=True, employment_ban=False)
PLAN = (
    PlannedStage(
        stage=Stage.LANGUAGE,
        status=PlannedStageStatus.PLANNED,
        reason=PlanReason.NEEDED_FOR_GOAL,
        modules=(Module.F4,),
        target_language_level=LanguageLevel.B1,
    ),
    PlannedStage(
        stage=Stage.SCHOOL,
        status=PlannedStageStatus.MET_AT_ENTRY,
        reason=PlanReason.CERTIFICATE_HELD,
    ),
    PlannedStage(
        stage=Stage.APPRENTICESHIP,
        status=PlannedStageStatus.PLANNED,
        reason=PlanReason.NEEDED_FOR_GOAL,
        modules=(Module.F1, Module.F2),
    ),
)


def _report_ids() -> dict[str, str]:
    """Ids every provider report carries."""
    return {"referral_id": REFERRAL, "participant_id": PARTICIPANT, "provider_id": PROVIDER}


EXAMPLES: tuple[EventPayload, ...] = (
    ParticipantRegistered(
        participant_id=PARTICIPANT,
        ki_id="ki-kreis-unna",
        kommune="Bergkamen",
        programme_id="durchstarten",
        registered_on=date(2024, 3, 4),
        age_band=AgeBand.AGE_21_23,
        eligibility_ends_on=date(2029, 8, 31),
        gender=Gender.FEMALE,
        residence_status=ResidenceStatus.DULDUNG,
        residence_status_expires_on=date(2024, 9, 30),
        language_level=LanguageLevel.A2,
        school_certificate=SchoolCertificate.FOREIGN_RECOGNISED,
        vocational_qualification=VocationalQualification.NONE,
        current_activity=Activity.LANGUAGE_COURSE,
        goal=Goal(target_stage=Stage.APPRENTICESHIP, occupation_field=OccupationField.PRODUCTION),
        constraints=CONSTRAINTS,
        consent_to_share=True,
        registered_by=CASEWORKER,
    ),
    ParticipantApproached(
        participant_id="p-7c9e6679-7425-40de-944b-e07fc1f90ae7",
        ki_id="ki-kreis-unna",
        kommune="Lünen",
        approached_on=date(2024, 2, 20),
        channel=ApproachChannel.AUSLAENDERBEHOERDE,
        age_band=AgeBand.AGE_18_20,
        gender=Gender.MALE,
        residence_status=ResidenceStatus.AUFENTHALTSGESTATTUNG,
        outcome=ApproachOutcome.DECLINED,
        approached_by=CASEWORKER,
    ),
    ResidenceStatusChanged(
        participant_id=PARTICIPANT,
        previous_status=ResidenceStatus.DULDUNG,
        new_status=ResidenceStatus.AUSBILDUNGSDULDUNG,
        permit_basis=PermitBasis.PARA_60C,
        expires_on=date(2027, 7, 31),
        changed_on=date(2024, 8, 1),
        recorded_by=CASEWORKER,
    ),
    ConsentGiven(
        participant_id=PARTICIPANT,
        scope=ConsentScope.SHARE_WITH_PROVIDERS,
        given_on=date(2024, 3, 4),
        recorded_by=CASEWORKER,
    ),
    ConsentWithdrawn(
        participant_id=PARTICIPANT,
        scope=ConsentScope.SHARE_WITH_PROVIDERS,
        withdrawn_on=date(2024, 10, 1),
        recorded_by=CASEWORKER,
    ),
    ProfileUpdated(
        participant_id=PARTICIPANT,
        updated_on=date(2024, 7, 15),
        language_level=LanguageLevel.B1,
        updated_by=CASEWORKER,
    ),
    ChainStarted(
        participant_id=PARTICIPANT, programme_id="durchstarten", kommune="Bergkamen", plan=PLAN
    ),
    StageStarted(participant_id=PARTICIPANT, stage=Stage.LANGUAGE, attempt=1),
    ReferralRequested(
        participant_id=PARTICIPANT,
        request_id=REQUEST,
        stage=Stage.LANGUAGE,
        module=Module.F4,
        target_language_level=LanguageLevel.B1,
        current_language_level=LanguageLevel.A2,
        kommune="Bergkamen",
        constraints=CONSTRAINTS,
        earliest_start=date(2024, 4, 1),
    ),
    ReferralConfirmed(
        participant_id=PARTICIPANT,
        referral_id=REFERRAL,
        request_id=REQUEST,
        offer_id=OFFER,
        provider_id=PROVIDER,
        stage=Stage.LANGUAGE,
        module=Module.F4,
        response_due=date(2024, 3, 18),
        confirmed_by=CASEWORKER,
        offer_choice=OfferChoice.PROPOSED,
    ),
    ReferralWithdrawn(
        participant_id=PARTICIPANT,
        referral_id=REFERRAL,
        provider_id=PROVIDER,
        stage=Stage.LANGUAGE,
        reason=ReferralWithdrawalReason.CONSENT_WITHDRAWN,
    ),
    OutcomeRecorded(
        participant_id=PARTICIPANT,
        stage=Stage.LANGUAGE,
        referral_id=REFERRAL,
        outcome=Outcome.PASSED,
        source=OutcomeSource.PROVIDER,
        language_level_reached=LanguageLevel.B1,
        recorded_on=date(2024, 7, 12),
    ),
    StageCompleted(
        participant_id=PARTICIPANT, stage=Stage.LANGUAGE, completed_on=date(2024, 7, 12)
    ),
    StageSkipped(
        participant_id=PARTICIPANT,
        stage=Stage.SCHOOL,
        reason=PlanReason.CASEWORKER_DECISION,
        skip_reason=SkipReason.ACHIEVED_ELSEWHERE,
        skipped_by=CASEWORKER,
    ),
    ChainReplanned(participant_id=PARTICIPANT, reason=ReplanReason.PROFILE_UPDATED, plan=PLAN),
    ChainPaused(
        participant_id=PARTICIPANT,
        reason=PauseReason.CHILDCARE,
        paused_on=date(2024, 5, 2),
        expected_resume_on=date(2024, 6, 1),
    ),
    ChainResumed(participant_id=PARTICIPANT, resumed_on=date(2024, 6, 3)),
    TaskOpened(
        participant_id=PARTICIPANT,
        task_id="task-000311",
        kind=TaskKind.PROVIDER_REMINDER,
        due_on=date(2024, 3, 20),
        stage=Stage.LANGUAGE,
        referral_id=REFERRAL,
    ),
    TaskClosed(
        participant_id=PARTICIPANT,
        task_id="task-000311",
        kind=TaskKind.PROVIDER_REMINDER,
        resolution=TaskResolution.DONE,
    ),
    SharingStopped(
        participant_id=PARTICIPANT,
        reason=SharingStopReason.CONSENT_WITHDRAWN,
        withdrawn_referral_ids=(REFERRAL,),
    ),
    ChainClosed(
        participant_id=PARTICIPANT,
        reason=ClosureReason.HANDED_TO_JOBCENTER,
        closed_on=date(2025, 2, 28),
        last_stage=Stage.APPRENTICESHIP,
        activity_at_exit=Activity.APPRENTICESHIP,
    ),
    OffersReceived(
        participant_id=PARTICIPANT,
        request_id=REQUEST,
        stage=Stage.LANGUAGE,
        offer_ids=(OFFER, "offer-f4-kamen-2024-1"),
    ),
    NoOfferFoundForStage(
        participant_id=PARTICIPANT,
        request_id=REQUEST,
        stage=Stage.SCHOOL,
        modules=(Module.F3, Module.F1),
    ),
    JobStarted(
        participant_id=PARTICIPANT,
        started_on=date(2025, 9, 1),
        follow_up_due_on=date(2026, 3, 1),
    ),
    FollowUpRecorded(participant_id=PARTICIPANT, still_employed=True, recorded_by=CASEWORKER),
    GoalChanged(
        participant_id=PARTICIPANT,
        previous_goal_stage=Stage.APPRENTICESHIP,
        goal=Goal(target_stage=Stage.JOB),
        changed_by=CASEWORKER,
    ),
    ProfileFactsUpdated(
        participant_id=PARTICIPANT, language_level=LanguageLevel.B1, updated_by=CASEWORKER
    ),
    EligibilityExceptionRecorded(
        participant_id=PARTICIPANT,
        exception=EligibilityException.FINISH_ONGOING_STAGE,
        recorded_by=CASEWORKER,
    ),
    SharingResumed(participant_id=PARTICIPANT),
    OffersProposed(
        participant_id=PARTICIPANT,
        request_id=REQUEST,
        stage=Stage.LANGUAGE,
        module=Module.F4,
        proposals=(
            Proposal(
                offer_id=OFFER,
                provider_id=PROVIDER,
                module=Module.F4,
                score=0.86,
                starts_on=date(2024, 4, 8),
                reasons=(MatchReason.MODULE_FITS, MatchReason.CHILDCARE_AVAILABLE),
            ),
        ),
    ),
    NoOfferFound(
        participant_id=PARTICIPANT,
        request_id=REQUEST,
        stage=Stage.SCHOOL,
        module=Module.F3,
        kommune="Selm",
        gap_reasons=(GapReason.NO_OFFER_IN_KOMMUNE, GapReason.NO_CHILDCARE),
    ),
    ReferralIssued(
        **_report_ids(),
        offer_id=OFFER,
        module=Module.F4,
        stage=Stage.LANGUAGE,
        language_level=LanguageLevel.A2,
        childcare_needed=True,
        response_due=date(2024, 3, 18),
        contact_details_available=True,
    ),
    ReferralWithdrawnForProvider(**_report_ids(), reason=ReferralWithdrawalReason.REPLANNED),
    ReferralAccepted(**_report_ids(), occurred_on=date(2024, 3, 11), starts_on=date(2024, 4, 8)),
    ReferralRejected(
        **_report_ids(), occurred_on=date(2024, 3, 11), reason=RejectionReason.NO_PLACES
    ),
    ParticipantEnrolled(
        **_report_ids(), occurred_on=date(2024, 4, 8), planned_end_on=date(2024, 10, 4)
    ),
    AttendanceReported(
        **_report_ids(),
        occurred_on=date(2024, 5, 1),
        period_start=date(2024, 4, 8),
        period_end=date(2024, 4, 30),
        attended_hours=54.0,
        planned_hours=60.0,
    ),
    ExamResultReported(
        **_report_ids(),
        occurred_on=date(2024, 7, 10),
        exam=ExamKind.DTZ,
        passed=True,
        language_level_reached=LanguageLevel.B1,
    ),
    ReferralCompleted(
        **_report_ids(), occurred_on=date(2024, 10, 4), language_level_reached=LanguageLevel.B1
    ),
    ParticipantDroppedOut(
        **_report_ids(), occurred_on=date(2024, 6, 14), reason=DropOutReason.TOOK_UP_WORK
    ),
    PiiRead(
        participant_id=PARTICIPANT,
        actor=Actor(role=ActorRole.PROVIDER, actor_id="prov-vhs-unna"),
        fields_read=(PiiField.NAME, PiiField.PHONE),
        purpose=AccessPurpose.REFERRAL_CONTACT,
        via_service="provider-gateway",
    ),
    DeadLetterRecorded(
        original_topic="kette.provider-status.v1",
        original_partition=0,
        original_offset=1041,
        consumer_group="bridge",
        original_ce_type="kette.referral.accepted.v1",
        original_ce_id="2b1f0c34-4c4b-4f55-9a8d-0d7c43b1a6b0",
        reason="payload field occurred_on: Input should be a valid date",
        value_sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        value_size=214,
    ),
)


P = TypeVar("P", bound=EventPayload)


def example_for(model: type[P]) -> P:
    """The example of one type; raises KeyError if the catalogue lacks one."""
    for example in EXAMPLES:
        if isinstance(example, model) and type(example) is model:
            return example
    raise KeyError(model.event_type)
