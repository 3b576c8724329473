"""One input model per workflow, signal and activity, so histories stay readable and evolvable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.inputs import MatchResult, ProviderReport, ResidenceStatusChange
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.programme import Programme

TASK_QUEUE = "kette-chain"
WORKFLOW_NAME = "Integrationskette"


def chain_workflow_id(participant_id: str) -> str:
    """One chain per participant, so a duplicate registration can never start a second one."""
    return f"chain-{participant_id}"


class ChainInput(BaseModel):
    """Start or continue a chain; `carried_state` is set only by continue-as-new."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: ParticipantProfile
    programme: Programme = Field(description="The rules in force, recorded in the history.")
    carried_state: str | None = Field(default=None, description="Chain JSON after continue-as-new.")
    seen_input_ids: list[str] = Field(
        default_factory=list, description="Recent signal ids, so a redelivered one is dropped."
    )
    history_events_before_continue: int = Field(
        default=5_000, ge=50, description="Continue as new once the history is this long."
    )
    linger_after_close_days: int = Field(
        default=30, ge=0, description="Days a closed chain still answers (and rejects) calls."
    )


class MatchSignal(BaseModel):
    """Matching's answer, relayed by the bridge; `input_id` is the Kafka event id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_id: str
    result: MatchResult


class ReportSignal(BaseModel):
    """A validated provider report, relayed by the bridge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_id: str
    report: ProviderReport


class ResidenceSignal(BaseModel):
    """A residence-status change from intake, relayed by the bridge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_id: str
    change: ResidenceStatusChange


class ConsentSignal(BaseModel):
    """Consent to share with providers was given or withdrawn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_id: str
    consent_to_share: bool


class PublishChainEvents(BaseModel):
    """Activity input: the chain's new timeline entries, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    workflow_id: str
    events: list[ChainEvent]


class DecisionResult(BaseModel):
    """What an accepted decision changed, for the caller."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    events: list[str] = Field(description="Kinds of the timeline entries the decision produced.")
    status: str = Field(description="Chain status afterwards.")
