"""One input model per workflow, signal and activity, so histories stay readable and evolvable."""

from __future__ import annotations

import json
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.inputs import MatchResult, ProviderReport, ResidenceStatusChange
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.programme import Programme
from kette_workflows.domain.state import ChainState

TASK_QUEUE = "kette-chain"
WORKFLOW_NAME = "Integrationskette"


def chain_workflow_id(participant_id: str) -> str:
    """One chain per participant, so a duplicate registration can never start a second one."""
    return f"chain-{participant_id}"


class CarriedChain(BaseModel):
    """What a run hands to the next one at continue-as-new: the chain and recent signal ids."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: ChainState = Field(description="The whole chain, profile and programme included.")
    seen_input_ids: list[str] = Field(
        default_factory=list, description="Recent signal ids, so a redelivered one is dropped."
    )


class ChainInput(BaseModel):
    """Start a chain from a profile and its programme, or continue one that was carried over."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: ParticipantProfile | None = Field(default=None, description="Set on a fresh start.")
    programme: Programme | None = Field(
        default=None, description="The rules in force, recorded in the history (fresh start)."
    )
    carried: CarriedChain | None = Field(default=None, description="Set by continue-as-new.")
    history_events_before_continue: int = Field(
        default=5_000, ge=50, description="Continue as new once the history is this long."
    )
    linger_after_close_days: int = Field(
        default=30, ge=0, description="Days a closed chain still answers (and rejects) calls."
    )

    @model_validator(mode="before")
    @classmethod
    def _read_older_inputs(cls, data: Any) -> Any:
        """Histories recorded before the typed carry-over held the chain as a JSON string."""
        if not isinstance(data, dict) or (
            "carried_state" not in data and "seen_input_ids" not in data
        ):
            return data
        data = dict(data)
        carried_state = data.pop("carried_state", None)
        seen_input_ids = data.pop("seen_input_ids", [])
        if carried_state is not None:
            data.pop("profile", None)
            data.pop("programme", None)
            data["carried"] = {"state": json.loads(carried_state), "seen_input_ids": seen_input_ids}
        return data

    @model_validator(mode="after")
    def _starts_or_continues(self) -> Self:
        """Exactly one way in: profile and programme, or a carried chain."""
        fresh = self.profile is not None and self.programme is not None
        if fresh == (self.carried is not None) or (self.profile is None) != (
            self.programme is None
        ):
            raise ValueError("give profile and programme for a new chain, or carried, not both")
        return self


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
