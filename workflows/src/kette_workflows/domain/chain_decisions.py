"""Caseworker decisions: validate first (raising changes nothing), then change and emit."""

from __future__ import annotations

from datetime import datetime

from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.chain_base import DECISION_TASKS
from kette_workflows.domain.decisions import (
    ChangeGoal,
    ChooseOtherOffer,
    CloseCase,
    CompleteTask,
    ConfirmOffer,
    PauseCase,
    RecordEligibilityException,
    RecordFollowUp,
    RecordOutcome,
    ReorderStages,
    RequestNewMatch,
    ResumeCase,
    SkipStage,
    UpdateProfile,
)
from kette_workflows.domain.events import (
    CasePaused,
    CaseResumed,
    ChainEvent,
    EligibilityExceptionRecorded,
    FollowUpRecorded,
    GoalChanged,
    ProfileFactsUpdated,
    StageSkipped,
    StagesReordered,
)
from kette_workflows.domain.outcomes import OutcomeDetails, Outcomes
from kette_workflows.domain.replanning import summarise
from kette_workflows.domain.state import PauseInfo, offer_module
from kette_workflows.domain.validation import (
    changed_profile_fields,
    validate_change_goal,
    validate_choose_other_offer,
    validate_close_case,
    validate_complete_task,
    validate_confirm_offer,
    validate_pause_case,
    validate_record_eligibility_exception,
    validate_record_follow_up,
    validate_record_outcome,
    validate_reorder_stages,
    validate_request_new_match,
    validate_resume_case,
    validate_skip_stage,
    validate_update_profile,
)
from kette_workflows.domain.vocabulary import (
    ChainStatus,
    CloseReason,
    OfferChoice,
    PlanChangeCause,
    ReferralStatus,
    ReportSource,
    StagePhase,
    TaskKind,
    TaskResolution,
    WithdrawReason,
)


class DecisionHandlers(Outcomes):
    """One method per Update; each returns the events to publish."""

    def confirm_offer(self, decision: ConfirmOffer, now: datetime) -> list[ChainEvent]:
        """Refer to a proposed offer."""
        validate_confirm_offer(self.state, decision, now)
        mark = self._mark()
        progress = self.state.progress(decision.stage)
        offer = next(o for o in progress.proposals if o.offer_id == decision.offer_id)
        offer_ref = (offer.offer_id, offer.provider_id, offer_module(progress, offer.module))
        self._refer(progress, offer_ref, OfferChoice.PROPOSED, decision.caseworker_id, now)
        return self._since(mark)

    def choose_other_offer(self, decision: ChooseOtherOffer, now: datetime) -> list[ChainEvent]:
        """Refer to an offer the caseworker found herself."""
        validate_choose_other_offer(self.state, decision, now)
        mark = self._mark()
        progress = self.state.progress(decision.stage)
        module = offer_module(progress, decision.module)
        offer_ref = (decision.offer_id, decision.provider_id, module)
        self._refer(progress, offer_ref, OfferChoice.CASEWORKER_FOUND, decision.caseworker_id, now)
        return self._since(mark)

    def request_new_match(self, decision: RequestNewMatch, now: datetime) -> list[ChainEvent]:
        """Search again, excluding offers already tried."""
        validate_request_new_match(self.state, decision, now)
        mark = self._mark()
        progress = self.state.progress(decision.stage)
        self._close_tasks(now, DECISION_TASKS, stage_progress=progress)
        self._request_match(progress, now)
        return self._since(mark)

    def skip_stage(self, decision: SkipStage, now: datetime) -> list[ChainEvent]:
        """Leave a stage out; a referral still with a provider is withdrawn."""
        validate_skip_stage(self.state, decision, now)
        mark = self._mark()
        progress = self.state.progress(decision.stage)
        referral = self.state.open_referral(decision.stage)
        if referral is not None:
            self._withdraw(referral, WithdrawReason.STAGE_SKIPPED, now)
        progress.phase = StagePhase.SKIPPED
        self._close_tasks(now, stage_progress=progress)
        self._emit(
            StageSkipped(
                **self._meta(now),
                stage=decision.stage,
                reason=decision.reason,
                decided_by=decision.caseworker_id,
            )
        )
        self._advance(now)
        return self._since(mark)

    def reorder_stages(self, decision: ReorderStages, now: datetime) -> list[ChainEvent]:
        """The stages not yet begun take the new order in their old slots."""
        validate_reorder_stages(self.state, decision, now)
        mark = self._mark()
        stages = self.state.stages
        slots = [i for i, progress in enumerate(stages) if progress.phase == StagePhase.PENDING]
        moved = [self.state.progress(stage) for stage in decision.order]
        for slot, progress in zip(slots, moved, strict=True):
            stages[slot] = progress
        self._emit(
            StagesReordered(
                **self._meta(now),
                order=decision.order,
                reason=decision.reason,
                decided_by=decision.caseworker_id,
                goal_stage=self.state.profile.goal.target_stage,
                stages=summarise(stages),
            )
        )
        self._advance(now)
        return self._since(mark)

    def record_outcome(self, decision: RecordOutcome, now: datetime) -> list[ChainEvent]:
        """An outcome the provider did not report."""
        validate_record_outcome(self.state, decision, now)
        mark = self._mark()
        details = OutcomeDetails(
            source=ReportSource.CASEWORKER,
            occurred_on=decision.occurred_on,
            attendance_percent=decision.attendance_percent,
            exam_passed=decision.exam_passed,
            exam_level=decision.exam_level,
            decided_by=decision.caseworker_id,
        )
        referral = self.state.referral(decision.referral_id) if decision.referral_id else None
        if referral is not None:
            self._apply_referral_outcome(referral, decision.outcome, details, now)
        else:
            progress = self.state.progress(decision.stage)
            self._apply_stage_outcome(progress, decision.outcome, details, now)
        return self._since(mark)

    def pause_case(self, decision: PauseCase, now: datetime) -> list[ChainEvent]:
        """Rest the case; nothing new opens until it resumes."""
        validate_pause_case(self.state, decision, now)
        mark = self._mark()
        self.state.status = ChainStatus.PAUSED
        self.state.pause = PauseInfo(reason=decision.reason, since=now)
        self._emit(
            CasePaused(**self._meta(now), reason=decision.reason, decided_by=decision.caseworker_id)
        )
        return self._since(mark)

    def resume_case(self, decision: ResumeCase, now: datetime) -> list[ChainEvent]:
        """Run again and open what waited."""
        validate_resume_case(self.state, decision, now)
        mark = self._mark()
        self.state.status = ChainStatus.ACTIVE
        self.state.pause = None
        self._emit(CaseResumed(**self._meta(now), decided_by=decision.caseworker_id))
        self._advance(now)
        return self._since(mark)

    def change_goal(self, decision: ChangeGoal, now: datetime) -> list[ChainEvent]:
        """A new goal means a new plan; completed stages stay completed."""
        validate_change_goal(self.state, decision, now)
        mark = self._mark()
        previous = self.state.profile.goal.target_stage
        self.state.profile = self.state.profile.with_changes(goal=decision.goal)
        self._emit(
            GoalChanged(
                **self._meta(now),
                previous_goal_stage=previous,
                goal_stage=decision.goal.target_stage,
                occupation_field=decision.goal.occupation_field,
                decided_by=decision.caseworker_id,
            )
        )
        self._replan(PlanChangeCause.GOAL_CHANGED, now)
        return self._since(mark)

    def update_profile(self, decision: UpdateProfile, now: datetime) -> list[ChainEvent]:
        """Newly assessed facts; re-plan with them."""
        validate_update_profile(self.state, decision, now)
        mark = self._mark()
        changes = changed_profile_fields(self.state, decision)
        self.state.profile = self.state.profile.with_changes(**changes)
        constraints = decision.constraints if "constraints" in changes else None
        self._emit(
            ProfileFactsUpdated(
                **self._meta(now),
                language_level=changes.get("language_level"),
                school_certificate=changes.get("school_certificate"),
                vocational_qualification=changes.get("vocational_qualification"),
                employment_ban=constraints.employment_ban if constraints else None,
                childcare_needed=constraints.childcare_needed if constraints else None,
                decided_by=decision.caseworker_id,
            )
        )
        self._replan(PlanChangeCause.PROFILE_UPDATED, now)
        return self._since(mark)

    def close_case(self, decision: CloseCase, now: datetime) -> list[ChainEvent]:
        """End the case for the given reason."""
        validate_close_case(self.state, decision, now)
        mark = self._mark()
        self._close_case(decision.reason, now, decision.caseworker_id)
        return self._since(mark)

    def record_eligibility_exception(
        self, decision: RecordEligibilityException, now: datetime
    ) -> list[ChainEvent]:
        """The case may go past 27; the age warnings of the plan go away."""
        validate_record_eligibility_exception(self.state, decision, now)
        mark = self._mark()
        profile = self.state.profile.with_changes(eligibility_exception=decision.exception)
        self.state.profile = profile
        self._emit(
            EligibilityExceptionRecorded(
                **self._meta(now), exception=decision.exception, decided_by=decision.caseworker_id
            )
        )
        self._close_tasks(now, frozenset({TaskKind.ELIGIBILITY_ENDING}))
        self._replan(PlanChangeCause.ELIGIBILITY_EXCEPTION, now)
        return self._since(mark)

    def record_follow_up(self, decision: RecordFollowUp, now: datetime) -> list[ChainEvent]:
        """Job still there: sustained work closes the case. Otherwise the job stage reopens."""
        validate_record_follow_up(self.state, decision, now)
        mark = self._mark()
        progress = self.state.progress(Stage.JOB)
        self._emit(
            FollowUpRecorded(
                **self._meta(now),
                still_employed=decision.still_employed,
                decided_by=decision.caseworker_id,
            )
        )
        for task in self.state.open_tasks():
            if task.kind == TaskKind.FOLLOW_UP:
                self._close_task(task, now, TaskResolution.DONE, decision.caseworker_id)
        referral = self.state.open_referral(Stage.JOB)
        if decision.still_employed:
            if referral is not None:
                referral.status = ReferralStatus.COMPLETED
            self._complete_stage(progress, now, advance=False)
            self._close_case(CloseReason.SUSTAINED_WORK, now, decision.caseworker_id)
            return self._since(mark)
        if referral is not None:
            referral.status = ReferralStatus.DROPPED_OUT
            progress.tried_offer_ids.append(referral.offer_id)
        self._return_to_decision(progress, now)
        return self._since(mark)

    def complete_task(self, decision: CompleteTask, now: datetime) -> list[ChainEvent]:
        """The caseworker did what the task asked."""
        validate_complete_task(self.state, decision, now)
        mark = self._mark()
        task = self.state.task(decision.task_id)
        if task is not None:
            self._close_task(task, now, TaskResolution.DONE, decision.caseworker_id)
        return self._since(mark)
