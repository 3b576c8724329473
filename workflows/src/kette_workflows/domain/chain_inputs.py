"""Signals: match results, provider reports, residence status, consent. They never raise."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from kette_workflows.domain.events import (
    ChainEvent,
    ConsentGiven,
    ConsentWithdrawn,
    InputIgnored,
    NoOfferFound,
    OffersReceived,
    ResidenceStatusRecorded,
)
from kette_workflows.domain.inputs import MatchResult, ProviderReport, ResidenceStatusChange
from kette_workflows.domain.outcomes import OutcomeDetails, Outcomes
from kette_workflows.domain.programme import ResidenceEffect
from kette_workflows.domain.transitions import referral_outcome_allowed
from kette_workflows.domain.vocabulary import (
    CloseReason,
    IgnoredReason,
    PlanChangeCause,
    ReferralStatus,
    ReportKind,
    ReportSource,
    StagePhase,
    TaskKind,
    WithdrawReason,
)

_STATUS_AFTER: dict[ReportKind, ReferralStatus] = {
    ReportKind.ACCEPTED: ReferralStatus.ACCEPTED,
    ReportKind.REJECTED: ReferralStatus.REJECTED,
    ReportKind.ENROLLED: ReferralStatus.ENROLLED,
    ReportKind.COMPLETED: ReferralStatus.COMPLETED,
    ReportKind.DROPPED_OUT: ReferralStatus.DROPPED_OUT,
}


class InputHandlers(Outcomes):
    """Inputs from other systems are facts: unusable ones are recorded as ignored."""

    def offers_proposed(self, result: MatchResult, now: datetime) -> list[ChainEvent]:
        """Matching answered; no offers is a gap the caseworker must solve."""
        mark = self._mark()
        progress = next((p for p in self.state.stages if p.request_id == result.request_id), None)
        if self.state.is_closed:
            self._ignore("match_result", result.request_id, IgnoredReason.CASE_CLOSED, now)
        elif progress is None:
            self._ignore("match_result", result.request_id, IgnoredReason.UNKNOWN_REQUEST, now)
        elif progress.phase != StagePhase.MATCHING:
            self._ignore("match_result", result.request_id, IgnoredReason.NOT_APPLICABLE, now)
        else:
            untried = [o for o in result.offers if o.offer_id not in progress.tried_offer_ids]
            progress.proposals = sorted(untried, key=lambda offer: offer.rank)
            progress.phase = StagePhase.AWAITING_DECISION
            stage, request_id = progress.stage, result.request_id
            if progress.proposals:
                offer_ids = [offer.offer_id for offer in progress.proposals]
                meta = self._meta(now)
                self._emit(
                    OffersReceived(**meta, request_id=request_id, stage=stage, offer_ids=offer_ids)
                )
                self._open_task(TaskKind.CHOOSE_OFFER, now, progress)
            else:
                modules = progress.planned.modules
                meta = self._meta(now)
                self._emit(
                    NoOfferFound(**meta, request_id=request_id, stage=stage, modules=modules)
                )
                self._open_task(TaskKind.NO_OFFER_FOUND, now, progress)
        return self._since(mark)

    def provider_reported(self, report: ProviderReport, now: datetime) -> list[ChainEvent]:
        """A provider report; duplicates, strangers and late reports are recorded, not applied."""
        mark = self._mark()
        reason = self._reason_to_ignore(report)
        if report.report_id not in self.state.handled_report_ids:
            self.state.handled_report_ids.append(report.report_id)
        referral = self.state.referral(report.referral_id)
        if reason is not None or referral is None:
            reason = reason or IgnoredReason.UNKNOWN_REFERRAL
            self._ignore("provider_report", report.referral_id, reason, now, report.report_id)
            return self._since(mark)
        details = OutcomeDetails(
            source=ReportSource.PROVIDER,
            occurred_on=report.reported_on,
            report_id=report.report_id,
            attendance_percent=report.attendance_percent,
            exam_passed=report.exam_passed,
            exam_level=report.exam_level,
        )
        self._apply_referral_outcome(referral, report.kind, details, now)
        return self._since(mark)

    def _reason_to_ignore(self, report: ProviderReport) -> IgnoredReason | None:
        """Why a report cannot apply, or None when it can."""
        if report.report_id in self.state.handled_report_ids:
            return IgnoredReason.DUPLICATE
        if not report.complete:
            return IgnoredReason.INCOMPLETE
        if self.state.is_closed:
            return IgnoredReason.CASE_CLOSED
        referral = self.state.referral(report.referral_id)
        if referral is None:
            return IgnoredReason.UNKNOWN_REFERRAL
        if referral_outcome_allowed(referral.status, report.kind):
            return None
        if _STATUS_AFTER.get(report.kind) == referral.status:
            return IgnoredReason.DUPLICATE
        if not referral.is_open:
            return IgnoredReason.REFERRAL_CLOSED
        return IgnoredReason.NOT_APPLICABLE

    def _ignore(
        self,
        input_name: Literal["provider_report", "match_result"],
        reference: str,
        reason: IgnoredReason,
        now: datetime,
        report_id: str | None = None,
    ) -> None:
        """Keep unusable input on the timeline for the audit."""
        self._emit(
            InputIgnored(
                **self._meta(now),
                input=input_name,
                reference=reference,
                reason=reason,
                report_id=report_id,
            )
        )

    def residence_status_changed(
        self, change: ResidenceStatusChange, now: datetime
    ) -> list[ChainEvent]:
        """Removal closes, a residence permit hands over, anything else re-plans."""
        mark = self._mark()
        profile = self.state.profile
        unchanged = (change.new_status, change.expires_on) == (
            profile.residence_status,
            profile.residence_status_expires_on,
        )
        if self.state.is_closed or (unchanged and not change.removal_ordered):
            return self._since(mark)
        self.state.profile = profile.with_changes(
            residence_status=change.new_status, residence_status_expires_on=change.expires_on
        )
        self._emit(
            ResidenceStatusRecorded(
                **self._meta(now),
                new_status=change.new_status,
                expires_on=change.expires_on,
                removal_ordered=change.removal_ordered,
            )
        )
        effect = self.state.programme.residence_effect(change.new_status)
        if change.removal_ordered:
            self._close_case(CloseReason.REMOVAL, now)
        elif effect == ResidenceEffect.HAND_OVER:
            self._close_case(CloseReason.RESIDENCE_PERMIT, now)
        elif effect == ResidenceEffect.CLOSE:
            self._close_case(CloseReason.NO_LONGER_ELIGIBLE, now)
        else:
            self._close_tasks(now, frozenset({TaskKind.RESIDENCE_EXPIRING}))
            self._replan(PlanChangeCause.RESIDENCE_STATUS_CHANGED, now)
        return self._since(mark)

    def consent_withdrawn(self, now: datetime) -> list[ChainEvent]:
        """Stop sharing: referrals with providers are withdrawn, nothing new is sent."""
        mark = self._mark()
        if self.state.is_closed or not self.state.profile.consent_to_share:
            return self._since(mark)
        self.state.profile = self.state.profile.with_changes(consent_to_share=False)
        open_referrals = [r for r in self.state.referrals if r.is_open]
        withdrawn = [referral.referral_id for referral in open_referrals]
        self._emit(ConsentWithdrawn(**self._meta(now), withdrawn_referral_ids=withdrawn))
        for referral in open_referrals:
            self._withdraw(referral, WithdrawReason.CONSENT_WITHDRAWN, now)
            progress = self.state.progress(referral.stage)
            if progress.phase in (StagePhase.REFERRED, StagePhase.IN_PROGRESS):
                progress.phase = StagePhase.AWAITING_DECISION
        self._open_task(TaskKind.CONSENT_WITHDRAWN, now)
        return self._since(mark)

    def consent_given(self, now: datetime) -> list[ChainEvent]:
        """Sharing may resume; stages that waited open now."""
        mark = self._mark()
        if self.state.is_closed or self.state.profile.consent_to_share:
            return self._since(mark)
        self.state.profile = self.state.profile.with_changes(consent_to_share=True)
        self._emit(ConsentGiven(**self._meta(now)))
        self._close_tasks(now, frozenset({TaskKind.CONSENT_WITHDRAWN}))
        self._advance(now)
        return self._since(mark)
