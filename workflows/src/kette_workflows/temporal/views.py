"""What the queries return: small, stable shapes for the caseworker UI and the demo."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain import Chain, PlanView


class ChainStateView(BaseModel):
    """Where the chain stands now."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    participant_id: str
    kommune: str
    status: str = Field(description="active, paused, closed or handed_over.")
    current_stages: list[Stage]
    open_task_count: int
    timeline_length: int = Field(description="Entries the chain still holds (recent ones).")
    last_sequence: int = Field(description="Sequence of the chain's latest event.")
    published_up_to: int = Field(description="Sequence of the last event on kette.chain.v1.")

    @classmethod
    def of(cls, chain: Chain, published_up_to: int) -> ChainStateView:
        """Read off the chain; never changes it."""
        state = chain.state
        return cls(
            participant_id=state.participant_id,
            kommune=state.profile.kommune,
            status=chain.status.value,
            current_stages=chain.current_stages(),
            open_task_count=len(chain.open_tasks()),
            timeline_length=len(state.timeline),
            last_sequence=state.last_sequence,
            published_up_to=published_up_to,
        )


class PlanQueryView(BaseModel):
    """The plan, wrapped so the query can grow fields without breaking callers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plan: PlanView
