"""The moves every handler of the chain shares: events, ids, tasks, referrals, stages, closing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from string import Template

from kette_core.contracts.base import ActorId
from kette_core.contracts.vocabulary import Module
from kette_workflows.domain.closing import activity_after, activity_now, last_stage_reached
from kette_workflows.domain.events import (
    CaseClosed,
    CaseHandedOver,
    ChainEvent,
    EventMeta,
    JobStarted,
    ReferralConfirmed,
    ReferralRequested,
    ReferralWithdrawn,
    StageCompleted,
    StageOpened,
    TaskClosed,
    TaskOpened,
)
from kette_workflows.domain.labels_de import STAGE_DE, TASK_TEXT_DE
from kette_workflows.domain.planning import overlaps
from kette_workflows.domain.schedule import add_months
from kette_workflows.domain.state import ChainState, Referral, StageProgress, Task
from kette_workflows.domain.vocabulary import (
    ChainStatus,
    CloseReason,
    OfferChoice,
    ReferralStatus,
    StagePhase,
    TaskKind,
    TaskResolution,
    WithdrawReason,
)


class ChainBase:
    """Holds the state; handlers mix in on top. Every change is followed by an event."""

    def __init__(self, state: ChainState) -> None:
        self.state = state

    def _meta(self, now: datetime) -> EventMeta:
        """Next sequence number; called only once a change is certain."""
        self.state.last_sequence += 1
        return EventMeta(
            sequence=self.state.last_sequence,
            occurred_at=now,
            participant_id=self.state.participant_id,
        )

    def _emit(self, event: ChainEvent) -> None:
        """Append to the timeline; the caller returns everything since its mark."""
        self.state.timeline.append(event)

    def _mark(self) -> int:
        """Where this call's events begin."""
        return len(self.state.timeline)

    def _since(self, mark: int) -> list[ChainEvent]:
        """The events of this call, to publish."""
        return list(self.state.timeline[mark:])

    def _open_task(
        self,
        kind: TaskKind,
        now: datetime,
        stage_progress: StageProgress | None = None,
        referral_id: str | None = None,
        due_on: date | None = None,
        **values: str,
    ) -> Task:
        """A task with its German text; ids count up within the chain."""
        self.state.task_count += 1
        stage = stage_progress.stage if stage_progress else None
        text_values = values | ({"stage": STAGE_DE[stage]} if stage else {})
        task = Task(
            task_id=f"{self.state.participant_id}:task:{self.state.task_count}",
            kind=kind,
            message_de=Template(TASK_TEXT_DE[kind]).safe_substitute(text_values),
            opened_at=now,
            stage=stage,
            referral_id=referral_id,
            due_on=due_on,
        )
        self.state.tasks.append(task)
        self._emit(
            TaskOpened(
                **self._meta(now),
                task_id=task.task_id,
                task_kind=kind,
                stage=stage,
                referral_id=referral_id,
                due_on=task.due_on,
            )
        )
        return task

    def _close_task(
        self, task: Task, now: datetime, resolution: TaskResolution, by: ActorId | None = None
    ) -> None:
        """Close one open task."""
        task.closed_at = now
        self._emit(
            TaskClosed(
                **self._meta(now),
                task_id=task.task_id,
                task_kind=task.kind,
                resolution=resolution,
                decided_by=by,
            )
        )

    def _close_tasks(
        self,
        now: datetime,
        kinds: frozenset[TaskKind] | None = None,
        stage_progress: StageProgress | None = None,
        referral_id: str | None = None,
    ) -> None:
        """Tasks made moot by what happened; filters combine."""
        for task in self.state.open_tasks():
            if kinds is not None and task.kind not in kinds:
                continue
            if stage_progress is not None and task.stage != stage_progress.stage:
                continue
            if referral_id is not None and task.referral_id != referral_id:
                continue
            self._close_task(task, now, TaskResolution.OBSOLETE)

    def _new_request_id(self) -> str:
        """Match request ids count up within the chain."""
        self.state.request_count += 1
        return f"{self.state.participant_id}:match:{self.state.request_count}"

    def _request_match(self, progress: StageProgress, now: datetime) -> None:
        """Ask matching for ranked offers; a stage without a module has nothing to search for."""
        progress.proposals = []
        if not progress.planned.modules:
            progress.phase = StagePhase.AWAITING_DECISION
            self._open_task(TaskKind.ARRANGE_STAGE, now, progress)
            return
        progress.request_id = self._new_request_id()
        progress.phase = StagePhase.MATCHING
        profile = self.state.profile
        self._emit(
            ReferralRequested(
                **self._meta(now),
                request_id=progress.request_id,
                stage=progress.stage,
                modules=progress.planned.modules,
                target=progress.planned.target,
                attempt=progress.attempts + 1,
                excluded_offer_ids=list(progress.tried_offer_ids),
                kommune=profile.kommune,
                language_level=profile.language_level,
                childcare_needed=profile.constraints.childcare_needed,
                employment_ban=profile.constraints.employment_ban,
            )
        )

    def _refer(
        self,
        progress: StageProgress,
        offer: tuple[str, str, Module],
        choice: OfferChoice,
        by: ActorId,
        now: datetime,
    ) -> None:
        """Send the person to an offer; one found without a search gets a request id of its own."""
        offer_id, provider_id, module = offer
        if progress.request_id is None:
            progress.request_id = self._new_request_id()
        self.state.referral_count += 1
        referral = Referral(
            referral_id=f"{self.state.participant_id}:ref:{self.state.referral_count}",
            stage=progress.stage,
            offer_id=offer_id,
            provider_id=provider_id,
            status=ReferralStatus.SENT,
            referred_at=now,
            answer_due_at=now
            + timedelta(days=self.state.programme.deadlines.provider_response_days),
        )
        self.state.referrals.append(referral)
        progress.phase = StagePhase.REFERRED
        progress.attempts += 1
        self._close_tasks(now, DECISION_TASKS, stage_progress=progress)
        self._emit(
            ReferralConfirmed(
                **self._meta(now),
                referral_id=referral.referral_id,
                request_id=progress.request_id,
                stage=progress.stage,
                offer_id=offer_id,
                provider_id=provider_id,
                module=module,
                choice=choice,
                answer_due_at=referral.answer_due_at,
                decided_by=by,
            )
        )

    def _withdraw(self, referral: Referral, reason: WithdrawReason, now: datetime) -> None:
        """Take a referral back from the provider."""
        referral.status = ReferralStatus.WITHDRAWN
        self._close_tasks(now, referral_id=referral.referral_id)
        self._emit(
            ReferralWithdrawn(
                **self._meta(now),
                referral_id=referral.referral_id,
                stage=referral.stage,
                provider_id=referral.provider_id,
                reason=reason,
            )
        )

    def _return_to_decision(self, progress: StageProgress, now: datetime) -> None:
        """After a rejection, drop-out or lost job the caseworker picks the next try."""
        progress.phase = StagePhase.AWAITING_DECISION
        progress.job_started_on = None
        progress.follow_up_due_on = None
        progress.follow_up_task_opened = False
        self._close_tasks(now, _ATTEMPT_TASKS, stage_progress=progress)
        kind = TaskKind.CHOOSE_OFFER if progress.planned.modules else TaskKind.ARRANGE_STAGE
        self._open_task(kind, now, progress)

    def _start_job(self, progress: StageProgress, started_on: date, now: datetime) -> None:
        """A job began: follow up after the programme's months to count sustained work."""
        months = self.state.programme.deadlines.job_follow_up_months
        progress.phase = StagePhase.FOLLOW_UP
        progress.job_started_on = started_on
        progress.follow_up_due_on = add_months(started_on, months)
        self._emit(
            JobStarted(
                **self._meta(now),
                started_on=started_on,
                follow_up_due_on=progress.follow_up_due_on,
            )
        )

    def _complete_stage(
        self,
        progress: StageProgress,
        now: datetime,
        advance: bool = True,
        completed_on: date | None = None,
    ) -> None:
        """A stage is done; its tasks are moot and the next stages may open."""
        progress.phase = StagePhase.COMPLETED
        self._close_tasks(now, stage_progress=progress)
        day = completed_on or now.date()
        self._emit(
            StageCompleted(
                **self._meta(now),
                stage=progress.stage,
                completed_on=day,
                activity_after=activity_after(progress),
            )
        )
        if advance:
            self._advance(now)

    def _advance(self, now: datetime) -> None:
        """Open every stage no longer held back; nothing opens while paused or without consent."""
        if self.state.status != ChainStatus.ACTIVE or not self.state.profile.consent_to_share:
            return
        stages = self.state.stages
        for index, progress in enumerate(stages):
            if progress.phase != StagePhase.PENDING:
                continue
            if any(_holds_back(earlier, progress) for earlier in stages[:index]):
                continue
            attempt = progress.attempts + 1
            self._emit(StageOpened(**self._meta(now), stage=progress.stage, attempt=attempt))
            self._request_match(progress, now)
        plan_done = all(progress.finished for progress in stages)
        if plan_done and not any(t.kind == TaskKind.PLAN_COMPLETED for t in self.state.tasks):
            self._open_task(TaskKind.PLAN_COMPLETED, now)

    def _close_case(self, reason: CloseReason, now: datetime, by: ActorId | None = None) -> None:
        """End the case: referrals withdrawn, tasks moot; a residence permit hands over."""
        open_referrals = [r for r in self.state.referrals if r.is_open]
        for referral in open_referrals:
            self._withdraw(referral, WithdrawReason.CASE_CLOSED, now)
        self._close_tasks(now)
        last_stage = last_stage_reached(self.state)
        activity = activity_now(self.state)
        withdrawn = [r.referral_id for r in open_referrals]
        handed_over = reason == CloseReason.RESIDENCE_PERMIT
        self.state.status = ChainStatus.HANDED_OVER if handed_over else ChainStatus.CLOSED
        self.state.close_reason = reason
        self.state.closed_at = now
        self.state.pause = None
        if handed_over:
            self._emit(
                CaseHandedOver(
                    **self._meta(now),
                    reason=reason,
                    last_stage=last_stage,
                    activity_at_exit=activity,
                    withdrawn_referral_ids=withdrawn,
                )
            )
        else:
            self._emit(
                CaseClosed(
                    **self._meta(now),
                    reason=reason,
                    decided_by=by,
                    last_stage=last_stage,
                    activity_at_exit=activity,
                    withdrawn_referral_ids=withdrawn,
                )
            )


DECISION_TASKS = frozenset({TaskKind.CHOOSE_OFFER, TaskKind.NO_OFFER_FOUND, TaskKind.ARRANGE_STAGE})
"""Tasks asking the caseworker how a stage gets its offer; moot once it has one."""
_ATTEMPT_TASKS = frozenset(
    {
        TaskKind.FOLLOW_UP,
        TaskKind.PROGRAMME_HINT,
        TaskKind.LOW_ATTENDANCE,
        TaskKind.CHOOSE_OFFER,
        TaskKind.ARRANGE_STAGE,
    }
)
"""Tasks about one attempt at a stage; moot once that attempt failed."""


def _holds_back(earlier: StageProgress, later: StageProgress) -> bool:
    """An unfinished earlier stage holds back a later one unless they may overlap."""
    if earlier.finished:
        return False
    return not overlaps(
        earlier.stage,
        earlier.planned.may_overlap_with,
        later.stage,
        later.planned.may_overlap_with,
    )
