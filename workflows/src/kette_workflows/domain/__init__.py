"""The Integrationskette as plain, deterministic code: no Temporal, no I/O, no clock."""

from kette_workflows.domain.chain import Chain, PlanView
from kette_workflows.domain.decisions import (
    DECISION_TYPES,
    ChangeGoal,
    ChooseOtherOffer,
    CloseCase,
    CompleteTask,
    ConfirmOffer,
    Decision,
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
from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.inputs import (
    MatchResult,
    ProposedOffer,
    ProviderReport,
    ResidenceStatusChange,
)
from kette_workflows.domain.planning import Plan, PlannedStage, plan_chain
from kette_workflows.domain.profile import EligibilityException, ParticipantProfile
from kette_workflows.domain.programme import Programme
from kette_workflows.domain.rejections import DecisionRejected
from kette_workflows.domain.state import ChainState
from kette_workflows.domain.tasks import Task
from kette_workflows.domain.timers import ArmedTimer, armed_timers

__all__ = [
    "DECISION_TYPES",
    "ArmedTimer",
    "Chain",
    "ChainEvent",
    "ChainState",
    "ChangeGoal",
    "ChooseOtherOffer",
    "CloseCase",
    "CompleteTask",
    "ConfirmOffer",
    "Decision",
    "DecisionRejected",
    "EligibilityException",
    "MatchResult",
    "ParticipantProfile",
    "PauseCase",
    "Plan",
    "PlanView",
    "PlannedStage",
    "Programme",
    "ProposedOffer",
    "ProviderReport",
    "RecordEligibilityException",
    "RecordFollowUp",
    "RecordOutcome",
    "ReorderStages",
    "RequestNewMatch",
    "ResidenceStatusChange",
    "ResumeCase",
    "SkipStage",
    "Task",
    "UpdateProfile",
    "armed_timers",
    "plan_chain",
]
