"""Facts about a case at its end that the figures need: how far it got, what the person does."""

from __future__ import annotations

from kette_core.contracts.vocabulary import Activity, Stage
from kette_workflows.domain.state import ChainState, StageProgress
from kette_workflows.domain.vocabulary import StagePhase

_REACHED = frozenset(
    {
        StagePhase.MATCHING,
        StagePhase.AWAITING_DECISION,
        StagePhase.REFERRED,
        StagePhase.IN_PROGRESS,
        StagePhase.FOLLOW_UP,
        StagePhase.ONGOING,
        StagePhase.COMPLETED,
    }
)
_CHAIN_ORDER = (Stage.LANGUAGE, Stage.SCHOOL, Stage.APPRENTICESHIP, Stage.JOB)
_ACTIVITY_BY_STAGE: tuple[tuple[Stage, frozenset[StagePhase], Activity], ...] = (
    (Stage.JOB, frozenset({StagePhase.FOLLOW_UP, StagePhase.ONGOING}), Activity.WORK),
    (Stage.APPRENTICESHIP, frozenset({StagePhase.ONGOING}), Activity.APPRENTICESHIP),
    (Stage.SCHOOL, frozenset({StagePhase.IN_PROGRESS, StagePhase.ONGOING}), Activity.SCHOOL),
    (
        Stage.LANGUAGE,
        frozenset({StagePhase.IN_PROGRESS, StagePhase.ONGOING}),
        Activity.LANGUAGE_COURSE,
    ),
)
"""Furthest first: a job outranks an apprenticeship running alongside a language course; a
completed stage counts by what it leads to (`activity_after`)."""


def last_stage_reached(state: ChainState) -> Stage | None:
    """The furthest stage worked on or completed; met at entry alone does not count."""
    reached = [stage for stage in _CHAIN_ORDER if state.progress(stage).phase in _REACHED]
    return reached[-1] if reached else None


def activity_now(state: ChainState) -> Activity:
    """What the stages show the person doing; a preparation course (F4) counts as none."""
    for stage, phases, activity in _ACTIVITY_BY_STAGE:
        progress = state.progress(stage)
        if progress.phase in phases or (
            progress.phase == StagePhase.COMPLETED and activity_after(progress) == activity
        ):
            return activity
    return Activity.NONE


def activity_after(progress: StageProgress) -> Activity | None:
    """Job stage done: work; apprenticeship stage done: a contract, unless it ran at entry."""
    if progress.stage == Stage.JOB:
        return Activity.WORK
    if progress.stage == Stage.APPRENTICESHIP and not progress.planned.ongoing_at_entry:
        return Activity.APPRENTICESHIP
    return None
