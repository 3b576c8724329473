"""Re-planning a running chain: same planning function, completed and running stages kept."""

from __future__ import annotations

from datetime import datetime

from kette_workflows.domain.chain_base import ChainBase
from kette_workflows.domain.events import PlanChanged, StageSummary
from kette_workflows.domain.planning import PlannedStage, plan_chain
from kette_workflows.domain.programme import PlanStatus
from kette_workflows.domain.state import StageProgress
from kette_workflows.domain.vocabulary import PlanChangeCause, StagePhase, WithdrawReason

_INITIAL_PHASE = {
    PlanStatus.PLANNED: StagePhase.PENDING,
    PlanStatus.MET_AT_ENTRY: StagePhase.MET_AT_ENTRY,
    PlanStatus.SKIPPED: StagePhase.SKIPPED,
    PlanStatus.NOT_ELIGIBLE: StagePhase.NOT_ELIGIBLE,
    PlanStatus.COMPLETED: StagePhase.COMPLETED,
}
_WORKING_PHASES = frozenset(
    {
        StagePhase.MATCHING,
        StagePhase.AWAITING_DECISION,
        StagePhase.REFERRED,
        StagePhase.IN_PROGRESS,
        StagePhase.FOLLOW_UP,
        StagePhase.ONGOING,
    }
)


def initial_progress(planned: PlannedStage) -> StageProgress:
    """A freshly planned stage; one already running at entry is `ongoing` until recorded done."""
    phase = StagePhase.ONGOING if planned.ongoing_at_entry else _INITIAL_PHASE[planned.status]
    return StageProgress(planned=planned, phase=phase)


def summarise(stages: list[StageProgress]) -> list[StageSummary]:
    """The plan without German texts, for events."""
    return [
        StageSummary(
            stage=p.stage,
            status=p.planned.status,
            reason=p.planned.reason,
            ongoing_at_entry=p.planned.ongoing_at_entry,
            modules=p.planned.modules,
            target=p.planned.target,
        )
        for p in stages
    ]


class Replanning(ChainBase):
    """Goal, profile, residence status or an exception changed: plan again."""

    def _replan(self, cause: PlanChangeCause, now: datetime) -> None:
        """Plan again with the same function, keeping completed and running stages."""
        completed = [p.stage for p in self.state.stages if p.phase == StagePhase.COMPLETED]
        plan = plan_chain(self.state.profile, self.state.programme, now.date(), completed)
        previous = {progress.stage: progress for progress in self.state.stages}
        self.state.stages = [
            self._carry_over(previous[planned.stage], planned, now) for planned in plan.stages
        ]
        self.state.plan_warnings_de = plan.warnings_de
        self.state.planned_on = plan.planned_on
        self._emit(
            PlanChanged(
                **self._meta(now),
                cause=cause,
                goal_stage=plan.goal_stage,
                stages=summarise(self.state.stages),
            )
        )
        self._advance(now)

    def _carry_over(
        self, progress: StageProgress, planned: PlannedStage, now: datetime
    ) -> StageProgress:
        """A running stage the new plan still wants keeps its progress; others start afresh."""
        still_wanted = planned.status == PlanStatus.PLANNED or planned.ongoing_at_entry
        if progress.phase == StagePhase.COMPLETED or (
            progress.phase in _WORKING_PHASES and still_wanted
        ):
            progress.planned = planned
            return progress
        if progress.phase in _WORKING_PHASES:
            referral = self.state.open_referral(progress.stage)
            if referral is not None:
                self._withdraw(referral, WithdrawReason.REPLANNED, now)
            self._close_tasks(now, stage_progress=progress)
        fresh = initial_progress(planned)
        fresh.tried_offer_ids = progress.tried_offer_ids
        fresh.attempts = progress.attempts
        return fresh
