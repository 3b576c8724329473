"""Tasks: what the caseworker has to look at, opened and closed by what happens in the chain."""

from __future__ import annotations

from datetime import date
from string import Template
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict

from kette_core.contracts.base import ActorId
from kette_core.contracts.chain import TaskResolution
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.events import TaskClosed, TaskOpened
from kette_workflows.domain.labels_de import STAGE_DE, TASK_TEXT_DE
from kette_workflows.domain.vocabulary import TaskKind

if TYPE_CHECKING:
    from kette_workflows.domain.case import Case

DECISION_TASKS = frozenset({TaskKind.CHOOSE_OFFER, TaskKind.NO_OFFER_FOUND, TaskKind.ARRANGE_STAGE})
"""Tasks asking the caseworker how a stage gets its offer; moot once it has one."""
ATTEMPT_TASKS = frozenset(
    {
        TaskKind.FOLLOW_UP,
        TaskKind.PROGRAMME_HINT,
        TaskKind.LOW_ATTENDANCE,
        TaskKind.CHOOSE_OFFER,
        TaskKind.ARRANGE_STAGE,
    }
)
"""Tasks about one attempt at a stage; moot once that attempt failed."""


class Task(BaseModel):
    """Something the caseworker has to do, with the German text she reads."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    task_id: str
    kind: TaskKind
    message_de: str
    opened_at: AwareDatetime
    stage: Stage | None = None
    referral_id: str | None = None
    due_on: date | None = None
    closed_at: AwareDatetime | None = None

    @property
    def is_open(self) -> bool:
        """Not yet done nor moot."""
        return self.closed_at is None


def open_task(
    case: Case,
    kind: TaskKind,
    stage: Stage | None = None,
    referral_id: str | None = None,
    due_on: date | None = None,
    **values: str,
) -> Task:
    """A task with its German text; ids count up within the chain."""
    state = case.state
    state.task_count += 1
    text_values = values | ({"stage": STAGE_DE[stage]} if stage else {})
    task = Task(
        task_id=f"{state.participant_id}:task:{state.task_count}",
        kind=kind,
        message_de=Template(TASK_TEXT_DE[kind]).safe_substitute(text_values),
        opened_at=case.now,
        stage=stage,
        referral_id=referral_id,
        due_on=due_on,
    )
    state.tasks.append(task)
    if kind == TaskKind.PLAN_COMPLETED:
        state.plan_completed_task_opened = True
    case.emit(
        TaskOpened(
            **case.meta(),
            task_id=task.task_id,
            task_kind=kind,
            stage=stage,
            referral_id=referral_id,
            due_on=due_on,
        )
    )
    return task


def close_task(
    case: Case, task: Task, resolution: TaskResolution, by: ActorId | None = None
) -> None:
    """Close one open task."""
    task.closed_at = case.now
    case.emit(
        TaskClosed(
            **case.meta(),
            task_id=task.task_id,
            task_kind=task.kind,
            resolution=resolution,
            decided_by=by,
        )
    )
    case.state.forget_old_tasks()


def close_tasks(
    case: Case,
    kinds: frozenset[TaskKind] | None = None,
    stage: Stage | None = None,
    referral_id: str | None = None,
) -> None:
    """Tasks made moot by what happened; the filters combine."""
    for task in case.state.open_tasks():
        if kinds is not None and task.kind not in kinds:
            continue
        if stage is not None and task.stage != stage:
            continue
        if referral_id is not None and task.referral_id != referral_id:
            continue
        close_task(case, task, TaskResolution.OBSOLETE)


def has_open_task(case: Case, kind: TaskKind, referral_id: str | None = None) -> bool:
    """Whether such a task is already waiting, so it is not opened twice."""
    return any(
        task.kind == kind and (referral_id is None or task.referral_id == referral_id)
        for task in case.state.open_tasks()
    )
