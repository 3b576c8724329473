"""What CaseService returns: typed, UI-neutral views (the API serialises, the screens render)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.vocabulary import Stage
from kette_workflows.api import ChainEvent, ChainStatus, PlanView, Task, TaskKind

_VIEW = ConfigDict(extra="forbid", frozen=True)


class CaseFilter(BaseModel):
    """Narrows a caseload; every field left empty means 'any'."""

    model_config = _VIEW

    kommune: str | None = Field(default=None, description="Only this Kommune (within yours).")
    stage: Stage | None = Field(default=None, description="Only chains working on this stage.")
    status: ChainStatus | None = Field(default=None, description="Only chains in this status.")
    task: TaskKind | None = Field(default=None, description="Only chains with such an open task.")
    open_task: bool | None = Field(default=None, description="With (true) or without open tasks.")


class CaseRow(BaseModel):
    """One participant in a caseload."""

    model_config = _VIEW

    participant_id: str
    name: str | None = Field(description="Display name; null for auditors (pseudonymous view).")
    kommune: str
    stage: Stage | None = Field(description="The stage being worked on now, if any.")
    status: ChainStatus
    open_tasks: int = Field(ge=0)
    overdue_answers: int = Field(ge=0, description="Referrals the provider has not answered.")
    task_kinds: list[TaskKind] = Field(description="Kinds of the open tasks, oldest first.")
    oldest_task_on: date | None = Field(description="Day the oldest open task was opened.")


class Caseload(BaseModel):
    """The rows in attention order: overdue answers, then open tasks, then oldest task."""

    model_config = _VIEW

    rows: list[CaseRow]
    pseudonymous: bool = Field(description="True when names are withheld (auditor).")


class ProposedOfferView(BaseModel):
    """An offer matching proposed for a stage awaiting the caseworker's decision."""

    model_config = _VIEW

    stage: Stage
    offer_id: str
    rank: int = Field(ge=1, description="1 is matching's best fit.")
    request_id: str
    explanation_de: str | None = Field(
        default=None,
        description="Why matching proposed it, in German; null when matching cannot say now.",
    )


class CaseView(BaseModel):
    """One case: where it stands, the plan with German reasons, tasks, offers and timeline."""

    model_config = _VIEW

    participant_id: str
    name: str | None = Field(description="Display name; null for auditors (pseudonymous view).")
    kommune: str
    status: ChainStatus
    current_stages: list[Stage]
    plan: PlanView
    open_tasks: list[Task]
    proposed_offers: list[ProposedOfferView]
    timeline: list[ChainEvent] = Field(description="Oldest first; the chain keeps recent ones.")
    decisions: list[str] = Field(description="Names of the decisions the caller may take.")


class DecisionOutcome(BaseModel):
    """An accepted decision: what it produced and where the chain stands afterwards."""

    model_config = _VIEW

    participant_id: str
    decision: str
    events: list[str] = Field(description="Kinds of the timeline entries it produced.")
    status: str = Field(description="Chain status afterwards.")
