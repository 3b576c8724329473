"""The Integrationskette as plain, deterministic code: no Temporal, no I/O, no clock."""

from kette_workflows.domain.chain import Chain, PlanView
from kette_workflows.domain.errors import DecisionRejected
from kette_workflows.domain.planning import Plan, PlannedStage, plan_chain
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.programme import Programme
from kette_workflows.domain.state import ChainState
from kette_workflows.domain.timers import ArmedTimer, armed_timers
from kette_workflows.domain.validation import validate_decision

__all__ = [
    "ArmedTimer",
    "Chain",
    "ChainState",
    "DecisionRejected",
    "ParticipantProfile",
    "Plan",
    "PlanView",
    "PlannedStage",
    "Programme",
    "armed_timers",
    "plan_chain",
    "validate_decision",
]
