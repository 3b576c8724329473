"""The Integrationskette of one participant as a state machine the workflow drives.

`Chain` is the one entry point: decisions go through `decide`, inputs from other systems
through the signal methods, deadlines through `fire_due_timers`. The moves themselves live
with their concept: `stages`, `referrals`, `tasks`, `timers`, and each decision in
`decisions`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kette_core.contracts.chain import IgnoredReason, ReplanReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain import stages, timers
from kette_workflows.domain.case import Case
from kette_workflows.domain.decisions import Decision
from kette_workflows.domain.events import (
    ChainEvent,
    ChainStarted,
    ConsentGiven,
    ConsentWithdrawn,
    InputIgnored,
    ResidenceStatusRecorded,
)
from kette_workflows.domain.inputs import MatchResult, ProviderReport, ResidenceStatusChange
from kette_workflows.domain.planning import PlannedStage, plan_chain
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.programme import Programme, ResidenceEffect
from kette_workflows.domain.referrals import (
    OutcomeDetails,
    ask_about_refused_report,
    why_report_cannot_apply,
)
from kette_workflows.domain.state import Behaviour, ChainState
from kette_workflows.domain.tasks import Task, close_tasks, open_task
from kette_workflows.domain.timers import ArmedTimer
from kette_workflows.domain.vocabulary import (
    ChainStatus,
    CloseReason,
    ReportSource,
    StagePhase,
    TaskKind,
)

_CLOSING_EFFECTS = {
    ResidenceEffect.HAND_OVER: CloseReason.RESIDENCE_PERMIT,
    ResidenceEffect.CLOSE: CloseReason.NO_LONGER_ELIGIBLE,
}
"""A residence status that ends the case: a permit hands over, anything else closes."""


class PlanView(BaseModel):
    """The plan with its German reasons, in the chain's current order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stages: list[PlannedStage]
    phases: dict[Stage, StagePhase]
    warnings_de: list[str]


class Chain:
    """Plain class, no Temporal, no I/O, no clock: time always comes in as `now`.

    Every method that changes something returns the events it produced, in order.
    """

    def __init__(self, state: ChainState) -> None:
        self.state = state

    @classmethod
    def start(
        cls,
        profile: ParticipantProfile,
        programme: Programme,
        now: datetime,
        behaviour: Behaviour | None = None,
    ) -> tuple[Chain, list[ChainEvent]]:
        """Plan and open the first stages; the events record who was in training or work."""
        if profile.programme_id != programme.programme_id:
            raise ValueError(
                f"profile.programme_id {profile.programme_id!r} does not match "
                f"programme {programme.programme_id!r}"
            )
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        plan = plan_chain(profile, programme, now.date())
        state = ChainState(
            participant_id=profile.participant_id,
            profile=profile,
            programme=programme,
            stages=[stages.initial_progress(planned) for planned in plan.stages],
            plan_warnings_de=plan.warnings_de,
            planned_on=plan.planned_on,
            started_at=now,
            review_due_at=now + timedelta(days=programme.deadlines.case_review_days),
            behaviour=behaviour or Behaviour(),
        )
        case = Case(state, now)
        case.emit(
            ChainStarted(
                **case.meta(),
                programme_id=programme.programme_id,
                programme_version=programme.version,
                kommune=profile.kommune,
                goal_stage=profile.goal.target_stage,
                residence_status=profile.residence_status,
                language_level=profile.language_level,
                current_activity=profile.current_activity,
                stages=stages.summarise(state.stages),
            )
        )
        stages.advance(case)
        return cls(state), case.events

    @classmethod
    def from_json(cls, data: str | bytes) -> Chain:
        """Restore a chain saved with `to_json` (a test, or a state carried by an older run)."""
        return cls(ChainState.model_validate_json(data))

    def to_json(self) -> str:
        """Everything, as JSON; restoring it yields an equal chain."""
        return self.state.model_dump_json()

    # -- decisions ---------------------------------------------------------------------------

    def check(self, decision: Decision, now: datetime) -> None:
        """Raise DecisionRejected if the decision cannot apply now; changes nothing."""
        decision.check(self.state, now)

    def decide(self, decision: Decision, now: datetime) -> list[ChainEvent]:
        """Check once, then apply; a rejected decision raises and changes nothing."""
        decision.check(self.state, now)
        case = Case(self.state, now)
        decision.apply(case)
        return case.events

    # -- inputs from other systems: facts, so they never raise --------------------------------

    def offers_proposed(self, result: MatchResult, now: datetime) -> list[ChainEvent]:
        """Matching answered; an answer that fits no open request is recorded as ignored."""
        case = Case(self.state, now)
        reason = stages.take_offers(case, result)
        if reason is not None:
            _ignore(case, "match_result", result.request_id, reason)
        return case.events

    def provider_reported(self, report: ProviderReport, now: datetime) -> list[ChainEvent]:
        """A provider report; strangers, late and repeated reports are recorded, not applied."""
        case = Case(self.state, now)
        reason = why_report_cannot_apply(self.state, report)
        referral = self.state.referral(report.referral_id)
        if reason is not None or referral is None:
            reason = reason or IgnoredReason.UNKNOWN_REFERRAL
            _ignore(case, "provider_report", report.referral_id, reason, report.report_id)
            if reason == IgnoredReason.NOT_APPLICABLE and referral is not None:
                ask_about_refused_report(case, referral, report)
            return case.events
        details = OutcomeDetails(
            source=ReportSource.PROVIDER,
            occurred_on=report.reported_on,
            report_id=report.report_id,
            attendance_percent=report.attendance_percent,
            exam_passed=report.exam_passed,
            exam_level=report.exam_level,
        )
        stages.apply_outcome(case, referral.stage, referral, report.kind, details)
        return case.events

    def residence_status_changed(
        self, change: ResidenceStatusChange, now: datetime
    ) -> list[ChainEvent]:
        """Removal closes, a residence permit hands over, anything else re-plans."""
        case = Case(self.state, now)
        profile = self.state.profile
        unchanged = (change.new_status, change.expires_on) == (
            profile.residence_status,
            profile.residence_status_expires_on,
        )
        if self.state.is_closed or (unchanged and not change.removal_ordered):
            return case.events
        self.state.profile = profile.with_changes(
            residence_status=change.new_status, residence_status_expires_on=change.expires_on
        )
        case.emit(
            ResidenceStatusRecorded(
                **case.meta(),
                new_status=change.new_status,
                expires_on=change.expires_on,
                removal_ordered=change.removal_ordered,
            )
        )
        effect = self.state.programme.residence_effect(change.new_status)
        if change.removal_ordered:
            stages.close_case(case, CloseReason.REMOVAL)
        elif effect in _CLOSING_EFFECTS:
            stages.close_case(case, _CLOSING_EFFECTS[effect])
        else:
            close_tasks(case, frozenset({TaskKind.RESIDENCE_EXPIRING}))
            stages.replan(case, ReplanReason.RESIDENCE_STATUS_CHANGED)
        return case.events

    def consent_withdrawn(self, now: datetime) -> list[ChainEvent]:
        """Stop sharing: referrals with providers are withdrawn, nothing new is sent."""
        case = Case(self.state, now)
        if self.state.is_closed or not self.state.profile.consent_to_share:
            return case.events
        self.state.profile = self.state.profile.with_changes(consent_to_share=False)
        withdrawn = [referral.referral_id for referral in self.state.open_referrals()]
        case.emit(ConsentWithdrawn(**case.meta(), withdrawn_referral_ids=withdrawn))
        stages.stop_sharing(case)
        open_task(case, TaskKind.CONSENT_WITHDRAWN)
        return case.events

    def consent_given(self, now: datetime) -> list[ChainEvent]:
        """Sharing may resume; stages that waited open now."""
        case = Case(self.state, now)
        if self.state.is_closed or self.state.profile.consent_to_share:
            return case.events
        self.state.profile = self.state.profile.with_changes(consent_to_share=True)
        case.emit(ConsentGiven(**case.meta()))
        close_tasks(case, frozenset({TaskKind.CONSENT_WITHDRAWN}))
        stages.advance(case)
        return case.events

    # -- deadlines ---------------------------------------------------------------------------

    def armed_timers(self) -> list[ArmedTimer]:
        """Deadlines currently armed, earliest first."""
        return timers.armed_timers(self.state)

    def next_timer(self) -> ArmedTimer | None:
        """What the workflow should sleep until, or None for 'wait for input only'."""
        armed = timers.armed_timers(self.state)
        return armed[0] if armed else None

    def fire_due_timers(self, now: datetime) -> list[ChainEvent]:
        """Fire everything due at `now`, in order."""
        case = Case(self.state, now)
        timers.fire_due(case)
        return case.events

    # -- queries -----------------------------------------------------------------------------

    @property
    def status(self) -> ChainStatus:
        """Active, paused, closed or handed over."""
        return self.state.status

    def plan(self) -> PlanView:
        """The plan with reasons and where each stage stands."""
        return PlanView(
            stages=[progress.planned for progress in self.state.stages],
            phases={progress.stage: progress.phase for progress in self.state.stages},
            warnings_de=self.state.plan_warnings_de,
        )

    def open_tasks(self) -> list[Task]:
        """What the caseworker has to do."""
        return self.state.open_tasks()

    def timeline(self) -> list[ChainEvent]:
        """The recent events, in order; the whole history is on kette.chain.v1."""
        return list(self.state.timeline)

    def current_stages(self) -> list[Stage]:
        """Stages being worked on now, e.g. for a search attribute."""
        return stages.current_stages(self.state.stages)


def _ignore(
    case: Case,
    input_name: Literal["provider_report", "match_result"],
    reference: str,
    reason: IgnoredReason,
    report_id: str | None = None,
) -> None:
    """Keep unusable input on the timeline for the audit."""
    case.emit(
        InputIgnored(
            **case.meta(), input=input_name, reference=reference, reason=reason, report_id=report_id
        )
    )
