"""A programme definition (Durchstarten, KIM, ...) as data: stages, rules, targets, deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from kette_core.contracts.base import Slug
from kette_core.contracts.chain import PlannedStageStatus, PlanReason
from kette_core.contracts.vocabulary import LanguageLevel, Module, ResidenceStatus, Stage
from kette_workflows.domain.conditions import Condition, fields_used
from kette_workflows.domain.facts import FACT_NAMES, LANGUAGE_FACTS
from kette_workflows.domain.reasons import unknown_names

_CONFIG = ConfigDict(extra="forbid", frozen=True)


class ResidenceEffect(StrEnum):
    """What a new residence status does to a running case."""

    CONTINUE = "continue"
    HAND_OVER = "hand_over"
    CLOSE = "close"


class ModuleDefinition(BaseModel):
    """A Förderbaustein and when it can be used."""

    model_config = _CONFIG

    code: Module
    name_de: str
    accompanies: list[Module] = Field(
        default_factory=list, description="Modules this one is added alongside (F1 with F2-F4)."
    )
    available_when: Condition | None = None


class StageRule(BaseModel):
    """One line of a stage's decision table; the first rule whose `when` holds decides."""

    model_config = _CONFIG

    when: Condition | None = None
    status: PlannedStageStatus
    modules: list[Module] = Field(default_factory=list)
    target: str | None = Field(default=None, description="What the stage aims for, as a code.")
    may_overlap_with: list[Stage] = Field(default_factory=list)
    place_before: Stage | None = Field(
        default=None, description="Run this stage alongside a later one instead of before it."
    )
    reason: PlanReason = Field(description="The reason as a code, for events and figures.")
    reason_de: str


class ConditionalTask(BaseModel):
    """A hint for the caseworker raised on enrolment, e.g. to check an Ausbildungsduldung."""

    model_config = _CONFIG

    when: Condition | None = None
    task_de: str


class StageDefinition(BaseModel):
    """A stage of the chain: its language needs, its typical duration, its rules."""

    model_config = _CONFIG

    stage: Stage
    language_floor: LanguageLevel | None = None
    language_recommended: LanguageLevel | None = None
    duration_months: int = Field(default=0, ge=0, description="Unused for language.")
    ongoing_when: Condition | None = Field(
        default=None, description="Person is in this stage at entry; its language need counts."
    )
    rules: list[StageRule] = Field(min_length=1)
    on_enrolled: list[ConditionalTask] = Field(default_factory=list)

    @model_validator(mode="after")
    def _last_rule_is_default(self) -> Self:
        """Without an unconditional last rule some profile would fall through unplanned."""
        if self.rules[-1].when is not None:
            raise ValueError(f"stage {self.stage}: the last rule must have no 'when'")
        return self


class GoalScope(BaseModel):
    """Which stages a goal (its target stage) takes in."""

    model_config = _CONFIG

    target_stage: Stage
    label_de: str
    stages: list[Stage] = Field(min_length=1)


class Deadlines(BaseModel):
    """Every timer of the workflow, as settings of the programme."""

    model_config = _CONFIG

    provider_response_days: PositiveInt
    case_review_days: PositiveInt
    residence_expiry_warning_days: PositiveInt
    eligibility_end_warning_days: PositiveInt
    job_follow_up_months: PositiveInt
    attendance_warning_below_percent: int = Field(ge=0, le=100)


class ReasonTemplates(BaseModel):
    """German texts planning adds on top of the stage rules."""

    model_config = _CONFIG

    outside_goal: str
    residence_not_eligible: str
    starts_after_eligibility: str
    ends_after_eligibility: str
    exception_recorded: str
    completed_earlier: str


class Programme(BaseModel):
    """The whole rule set; a running chain carries its copy, so replays never see new rules."""

    model_config = _CONFIG

    programme_id: Slug
    version: PositiveInt
    name_de: str
    modules: list[ModuleDefinition]
    eligible_residence_statuses: list[ResidenceStatus]
    residence_effects: dict[ResidenceStatus, ResidenceEffect]
    residence_expiry_warning_for: list[ResidenceStatus]
    language_months_to_reach: dict[LanguageLevel, int]
    stages: list[StageDefinition]
    goals: list[GoalScope]
    deadlines: Deadlines
    reasons: ReasonTemplates

    def stage(self, stage: Stage) -> StageDefinition:
        """The definition of one stage (validated to exist)."""
        return next(definition for definition in self.stages if definition.stage == stage)

    def goal_scope(self, target_stage: Stage) -> GoalScope:
        """The stages a goal takes in (validated to exist for every stage)."""
        return next(scope for scope in self.goals if scope.target_stage == target_stage)

    def module(self, code: Module) -> ModuleDefinition:
        """A module's definition (validated to exist for every referenced code)."""
        return next(module for module in self.modules if module.code == code)

    def residence_effect(self, status: ResidenceStatus) -> ResidenceEffect:
        """Statuses the data does not name leave the case running."""
        return self.residence_effects.get(status, ResidenceEffect.CONTINUE)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """Reject a data file with gaps or typos when loaded, not in the middle of a case."""
        problems = list(self._problems())
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _problems(self) -> Iterator[str]:
        """Everything wrong with this definition, one message each."""
        if sorted(d.stage for d in self.stages) != sorted(Stage):
            yield "stages must define each of language, school, apprenticeship, job exactly once"
        if sorted(g.target_stage for g in self.goals) != sorted(Stage):
            yield "goals must define the scope of each target stage exactly once"
        defined = {module.code for module in self.modules}
        for code in self._referenced_modules():
            if code not in defined:
                yield f"module {code} is used but not defined"
        for field in self._condition_fields():
            if field not in FACT_NAMES:
                yield f"condition reads unknown fact {field!r}"
        for field in self._condition_fields(include_language_rules=False):
            if field in LANGUAGE_FACTS:
                yield f"only language rules may read {field!r}: it is derived from the others"
        for template in self._templates():
            for name in unknown_names(template):
                yield f"reason text uses unknown placeholder ${name}"
        for level in LanguageLevel:
            if level != LanguageLevel.NONE and level not in self.language_months_to_reach:
                yield f"language_months_to_reach lacks {level}"

    def _referenced_modules(self) -> Iterator[Module]:
        """Modules named by rules and by other modules."""
        for definition in self.stages:
            for rule in definition.rules:
                yield from rule.modules
        for module in self.modules:
            yield from module.accompanies

    def _condition_fields(self, include_language_rules: bool = True) -> Iterator[str]:
        """Facts read by any condition in the definition."""
        for module in self.modules:
            yield from fields_used(module.available_when)
        for definition in self.stages:
            yield from fields_used(definition.ongoing_when)
            if include_language_rules or definition.stage != Stage.LANGUAGE:
                for rule in definition.rules:
                    yield from fields_used(rule.when)
            for task in definition.on_enrolled:
                yield from fields_used(task.when)

    def _templates(self) -> Iterator[str]:
        """Every German text that is filled from values."""
        yield from self.reasons.model_dump().values()
        for definition in self.stages:
            for rule in definition.rules:
                yield rule.reason_de
            for task in definition.on_enrolled:
                yield task.task_de
