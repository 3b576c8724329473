"""The bridge: Kafka facts in, Temporal starts and signals out; it decides nothing itself."""

from __future__ import annotations

from typing import Any

import structlog
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from kette_core.consuming import PermanentFailure
from kette_core.contracts import matching, participants, referrals
from kette_core.envelope import ReceivedEvent
from kette_workflows.client import ChainClient, ChainNotFound
from kette_workflows.domain.decisions import ChangeGoal, CloseCase, Decision, UpdateProfile
from kette_workflows.domain.inputs import (
    MatchResult,
    ProposedOffer,
    ProviderReport,
    ResidenceStatusChange,
)
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.rejections import DecisionRejected
from kette_workflows.domain.vocabulary import CloseReason, ReportKind
from kette_workflows.programmes import AVAILABLE_PROGRAMMES, load_programme
from kette_workflows.temporal.io import (
    TASK_QUEUE,
    WORKFLOW_NAME,
    ChainInput,
    ConsentSignal,
    MatchSignal,
    ReportSignal,
    ResidenceSignal,
    chain_workflow_id,
)

log = structlog.get_logger(__name__)

_REPORT_KINDS: dict[type[referrals.ProviderReport], ReportKind] = {
    referrals.ReferralAccepted: ReportKind.ACCEPTED,
    referrals.ReferralRejected: ReportKind.REJECTED,
    referrals.ParticipantEnrolled: ReportKind.ENROLLED,
    referrals.AttendanceReported: ReportKind.ATTENDANCE,
    referrals.ExamResultReported: ReportKind.EXAM_RESULT,
    referrals.ReferralCompleted: ReportKind.COMPLETED,
    referrals.ParticipantDroppedOut: ReportKind.DROPPED_OUT,
}


def profile_from(event: participants.ParticipantRegistered) -> ParticipantProfile:
    """The registration carries exactly the pseudonymous facts planning needs."""
    return ParticipantProfile(
        participant_id=event.participant_id,
        kommune=event.kommune,
        programme_id=event.programme_id,
        eligibility_ends_on=event.eligibility_ends_on,
        residence_status=event.residence_status,
        residence_status_expires_on=event.residence_status_expires_on,
        language_level=event.language_level,
        school_certificate=event.school_certificate,
        vocational_qualification=event.vocational_qualification,
        current_activity=event.current_activity,
        goal=event.goal,
        constraints=event.constraints,
        consent_to_share=event.consent_to_share,
    )


def match_result_from(event: matching.OffersProposed | matching.NoOfferFound) -> MatchResult:
    """No offer found is a match result without offers: the chain opens a gap task."""
    if isinstance(event, matching.NoOfferFound):
        return MatchResult(request_id=event.request_id)
    offers = [
        ProposedOffer(offer_id=p.offer_id, provider_id=p.provider_id, module=p.module, rank=rank)
        for rank, p in enumerate(event.proposals, start=1)
    ]
    return MatchResult(request_id=event.request_id, offers=offers)


def report_from(event_id: str, event: referrals.ProviderReport) -> ProviderReport:
    """Provider vocabulary to the chain's; the event id makes duplicates recognisable."""
    attendance = None
    exam_passed = None
    exam_level = None
    if isinstance(event, referrals.AttendanceReported):
        attendance = min(100, round(100 * event.attended_hours / event.planned_hours))
    if isinstance(event, referrals.ExamResultReported):
        exam_passed, exam_level = event.passed, event.language_level_reached
    if isinstance(event, referrals.ReferralCompleted):
        exam_level = event.language_level_reached
    return ProviderReport(
        report_id=event_id,
        referral_id=event.referral_id,
        provider_id=event.provider_id,
        kind=_REPORT_KINDS[type(event)],
        reported_on=event.occurred_on,
        attendance_percent=attendance,
        exam_passed=exam_passed,
        exam_level=exam_level,
    )


def decisions_for(event: participants.ProfileUpdated) -> list[Decision]:
    """The facts the chain plans with, as the Updates a caseworker would send; the rest
    (age band, current activity) matter to matching and reporting only."""
    decided_by = event.updated_by.actor_id
    facts = {
        "language_level": event.language_level,
        "school_certificate": event.school_certificate,
        "vocational_qualification": event.vocational_qualification,
        "constraints": event.constraints,
    }
    decisions: list[Decision] = []
    if any(value is not None for value in facts.values()):
        decisions.append(UpdateProfile(caseworker_id=decided_by, **facts))
    if event.goal is not None:
        decisions.append(ChangeGoal(caseworker_id=decided_by, goal=event.goal))
    return decisions


def close_for(event: participants.ParticipantErased) -> CloseCase:
    """An erased person has withdrawn from the programme: the chain closes like a withdrawal."""
    return CloseCase(caseworker_id=event.erased_by.actor_id, reason=CloseReason.WITHDREW)


class Bridge:
    """Each handler maps one event type to one Temporal call; duplicates are harmless."""

    def __init__(self, client: Client, task_queue: str = TASK_QUEUE) -> None:
        self._client = client
        self._chains = ChainClient(client)
        self._task_queue = task_queue

    async def participant_registered(
        self, event: ReceivedEvent[participants.ParticipantRegistered]
    ) -> None:
        """Start the chain; a redelivered registration finds it started and does nothing."""
        profile = profile_from(event.payload)
        if profile.programme_id not in AVAILABLE_PROGRAMMES:
            raise PermanentFailure(
                f"programme_id {profile.programme_id!r} is unknown; "
                f"available: {', '.join(AVAILABLE_PROGRAMMES)}"
            )
        chain_input = ChainInput(profile=profile, programme=load_programme(profile.programme_id))
        try:
            await self._client.start_workflow(
                WORKFLOW_NAME,
                chain_input,
                id=chain_workflow_id(profile.participant_id),
                task_queue=self._task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
            log.info("bridge.chain_started", workflow_id=chain_workflow_id(profile.participant_id))
        except WorkflowAlreadyStartedError:
            log.info("bridge.chain_already_started", participant_id=profile.participant_id)

    async def residence_status_changed(
        self, event: ReceivedEvent[participants.ResidenceStatusChanged]
    ) -> None:
        """Residence permits hand over, removals close: the chain decides."""
        change = ResidenceStatusChange(
            new_status=event.payload.new_status,
            expires_on=event.payload.expires_on,
            permit_basis=event.payload.permit_basis,
            removal_ordered=event.payload.removal_ordered,
        )
        await self._signal(
            event, "residence_status_changed", ResidenceSignal(input_id=event.id, change=change)
        )

    async def consent_given(self, event: ReceivedEvent[participants.ConsentGiven]) -> None:
        """Sharing with providers may resume."""
        await self._signal(
            event, "consent_changed", ConsentSignal(input_id=event.id, consent_to_share=True)
        )

    async def consent_withdrawn(self, event: ReceivedEvent[participants.ConsentWithdrawn]) -> None:
        """Sharing with providers stops at once."""
        await self._signal(
            event, "consent_changed", ConsentSignal(input_id=event.id, consent_to_share=False)
        )

    async def profile_updated(self, event: ReceivedEvent[participants.ProfileUpdated]) -> None:
        """New facts re-plan the chain; facts it already has change nothing."""
        try:
            for decision in decisions_for(event.payload):
                await self._decide(event, decision)
        except ChainNotFound:
            raise PermanentFailure(f"no running chain for {event.type}") from None

    async def participant_erased(
        self, event: ReceivedEvent[participants.ParticipantErased]
    ) -> None:
        """Close the chain of an erased person; one already closed, or none, stays as it is."""
        try:
            await self._decide(event, close_for(event.payload))
        except ChainNotFound:
            log.info("bridge.erased_without_chain", participant_id=event.payload.participant_id)

    async def offers_matched(
        self, event: ReceivedEvent[matching.OffersProposed | matching.NoOfferFound]
    ) -> None:
        """Matching's answer goes to the chain that asked."""
        result = match_result_from(event.payload)
        await self._signal(event, "offers_proposed", MatchSignal(input_id=event.id, result=result))

    async def provider_reported(self, event: ReceivedEvent[referrals.ProviderReport]) -> None:
        """A validated provider report goes to the chain of its participant."""
        report = report_from(event.id, event.payload)
        await self._signal(
            event, "provider_reported", ReportSignal(input_id=event.id, report=report)
        )

    async def _signal(self, event: ReceivedEvent[Any], name: str, argument: Any) -> None:
        """A chain that does not exist (never started, or long closed) cannot take it: the
        record goes to the dead letters, where an operator sees it."""
        participant_id = event.payload.participant_id
        handle: WorkflowHandle[Any, Any] = self._client.get_workflow_handle(
            chain_workflow_id(participant_id)
        )
        try:
            await handle.signal(name, argument)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            raise PermanentFailure(f"no running chain for {event.type}: signal {name}") from None

    async def _decide(self, event: ReceivedEvent[Any], decision: Decision) -> None:
        """An Update on the event's behalf; its id comes from the event, so a redelivery
        attaches to the first call. A rejection means the chain already reflects the fact."""
        participant_id = event.payload.participant_id
        update_id = f"{event.id}:{type(decision).name}"
        try:
            await self._chains.decide(participant_id, decision, update_id=update_id)
        except DecisionRejected as rejected:
            log.info(
                "bridge.decision_not_needed",
                participant_id=participant_id,
                decision=type(decision).name,
                field=rejected.field,
                reason=rejected.reason,
            )
