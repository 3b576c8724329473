"""Planning the Integrationskette: a pure function of profile, programme data and today."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.chain import PlannedStageStatus, PlanReason
from kette_core.contracts.vocabulary import LanguageLevel, Module, Stage
from kette_workflows.domain.conditions import Facts, holds
from kette_workflows.domain.facts import language_facts, profile_facts
from kette_workflows.domain.labels_de import (
    ACTIVITY_DE,
    LANGUAGE_LEVEL_DE,
    RESIDENCE_STATUS_DE,
    SCHOOL_CERTIFICATE_DE,
    STAGE_DE,
    VOCATIONAL_QUALIFICATION_DE,
    date_de,
    month_de,
)
from kette_workflows.domain.profile import ParticipantProfile, highest_language_level
from kette_workflows.domain.programme import Programme, StageDefinition, StageRule
from kette_workflows.domain.reasons import render
from kette_workflows.domain.schedule import add_months, language_months


class PlannedStage(BaseModel):
    """One stage of the plan with the German reason the caseworker reads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Stage
    status: PlannedStageStatus
    modules: list[Module] = Field(default_factory=list)
    target: str | None = Field(default=None, description="Language level or target code.")
    may_overlap_with: list[Stage] = Field(default_factory=list)
    estimated_start: date | None = None
    estimated_end: date | None = None
    ends_after_eligibility: bool = False
    ongoing_at_entry: bool = Field(
        default=False, description="Met at entry and still running, e.g. an apprenticeship."
    )
    reason: PlanReason = Field(description="Why the stage has its status, as a code.")
    reason_de: str


class Plan(BaseModel):
    """The ordered stages; re-planning produces a new Plan with the same function."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    programme_id: str
    programme_version: int
    planned_on: date
    goal_stage: Stage
    stages: list[PlannedStage]
    warnings_de: list[str] = Field(default_factory=list)

    def stage(self, stage: Stage) -> PlannedStage:
        """Every plan holds each stage exactly once."""
        return next(planned for planned in self.stages if planned.stage == stage)


@dataclass
class _Draft:
    """A stage while planning; turned into a PlannedStage once dates and texts are known."""

    stage: Stage
    status: PlannedStageStatus
    code: PlanReason
    reasons: list[str]
    modules: list[Module] = field(default_factory=list)
    target: str | None = None
    may_overlap_with: list[Stage] = field(default_factory=list)
    place_before: Stage | None = None
    start: date | None = None
    end: date | None = None
    ends_after_eligibility: bool = False
    ongoing: bool = False


def plan_chain(
    profile: ParticipantProfile,
    programme: Programme,
    today: date,
    completed: Collection[Stage] = (),
) -> Plan:
    """Decide every stage from the programme's rules; `completed` keeps progress on re-plans."""
    facts = profile_facts(profile)
    drafts = {
        definition.stage: _decide(definition, facts, profile, programme, completed)
        for definition in programme.stages
        if definition.stage != Stage.LANGUAGE
    }
    floor, target = _language_needs(programme, facts, drafts.values())
    language_rules_facts = {**facts, **language_facts(profile.language_level, floor, target)}
    language = _decide(
        programme.stage(Stage.LANGUAGE), language_rules_facts, profile, programme, completed
    )
    if language.status == PlannedStageStatus.PLANNED:
        language.target = target.value if target else None
    ordered = _order([language, *drafts.values()], programme)
    _estimate_dates(ordered, profile, programme, today, target)
    warnings = _check_eligibility(ordered, profile, programme)
    values = _template_values(profile, programme, floor, target)
    return Plan(
        programme_id=programme.programme_id,
        programme_version=programme.version,
        planned_on=today,
        goal_stage=profile.goal.target_stage,
        stages=[_finish(draft, values) for draft in ordered],
        warnings_de=[render(text, values | _dates(draft)) for draft, text in warnings],
    )


def _decide(
    definition: StageDefinition,
    facts: Facts,
    profile: ParticipantProfile,
    programme: Programme,
    completed: Collection[Stage],
) -> _Draft:
    """Apply the stage's first matching rule, then the programme-wide limits."""
    if definition.stage in completed:
        return _Draft(
            definition.stage,
            PlannedStageStatus.COMPLETED,
            PlanReason.COMPLETED_EARLIER,
            [programme.reasons.completed_earlier],
        )
    rule = next(rule for rule in definition.rules if holds(rule.when, facts))
    draft = _Draft(definition.stage, rule.status, rule.reason, [rule.reason_de])
    if rule.status == PlannedStageStatus.MET_AT_ENTRY:
        ongoing_when = definition.ongoing_when
        draft.ongoing = ongoing_when is not None and holds(ongoing_when, facts)
        return draft
    if profile.residence_status not in programme.eligible_residence_statuses:
        return _Draft(
            definition.stage,
            PlannedStageStatus.NOT_ELIGIBLE,
            PlanReason.RESIDENCE_STATUS_NOT_ELIGIBLE,
            [programme.reasons.residence_not_eligible],
        )
    if rule.status != PlannedStageStatus.PLANNED:
        return draft
    if definition.stage not in programme.goal_scope(profile.goal.target_stage).stages:
        return _Draft(
            definition.stage,
            PlannedStageStatus.SKIPPED,
            PlanReason.BEYOND_GOAL,
            [programme.reasons.outside_goal],
        )
    _fill_planned(draft, rule, facts, programme)
    return draft


def _fill_planned(draft: _Draft, rule: StageRule, facts: Facts, programme: Programme) -> None:
    """Modules available to this person, plus those that accompany them (F1 with F2-F4)."""
    chosen = [code for code in rule.modules if holds(programme.module(code).available_when, facts)]
    for module in programme.modules:
        accompanies = set(module.accompanies) & set(chosen)
        if accompanies and module.code not in chosen and holds(module.available_when, facts):
            chosen.append(module.code)
    draft.modules = chosen
    draft.target = rule.target
    draft.may_overlap_with = list(rule.may_overlap_with)
    draft.place_before = rule.place_before


def _language_needs(
    programme: Programme, facts: Facts, drafts: Collection[_Draft]
) -> tuple[LanguageLevel | None, LanguageLevel | None]:
    """Floor and target come from the stages still ahead, or being lived through at entry."""
    floors: list[LanguageLevel] = []
    targets: list[LanguageLevel] = []
    for draft in drafts:
        definition = programme.stage(draft.stage)
        if draft.status == PlannedStageStatus.PLANNED or draft.ongoing:
            floors += [definition.language_floor] if definition.language_floor else []
            targets += [definition.language_recommended] if definition.language_recommended else []
    floor = highest_language_level(floors)
    target = highest_language_level(targets + floors)
    return floor, target


def _order(drafts: list[_Draft], programme: Programme) -> list[_Draft]:
    """Programme order, except stages that run alongside a later one move next to it."""
    rank = {definition.stage: index for index, definition in enumerate(programme.stages)}
    ordered = sorted(drafts, key=lambda draft: rank[draft.stage])
    for draft in [d for d in ordered if d.status == PlannedStageStatus.PLANNED and d.place_before]:
        ordered.remove(draft)
        anchor = next(i for i, other in enumerate(ordered) if other.stage == draft.place_before)
        ordered.insert(anchor, draft)
    return ordered


def overlaps(
    first: Stage, first_overlaps: list[Stage], second: Stage, second_overlaps: list[Stage]
) -> bool:
    """Overlap is symmetric: either stage may declare it."""
    return second in first_overlaps or first in second_overlaps


def _estimate_dates(
    ordered: list[_Draft],
    profile: ParticipantProfile,
    programme: Programme,
    today: date,
    language_target: LanguageLevel | None,
) -> None:
    """A stage starts when every earlier stage it cannot overlap with has ended.

    A stage behind one that was already running at entry has no estimate: that end is unknown.
    """
    busy = [d for d in ordered if d.status == PlannedStageStatus.PLANNED or d.ongoing]
    for index, draft in enumerate(busy):
        if draft.status != PlannedStageStatus.PLANNED:
            continue
        blockers = [
            earlier.end
            for earlier in busy[:index]
            if not overlaps(
                earlier.stage, earlier.may_overlap_with, draft.stage, draft.may_overlap_with
            )
        ]
        if None in blockers:
            continue
        draft.start = max((end for end in blockers if end is not None), default=today)
        if draft.stage == Stage.LANGUAGE:
            months = language_months(
                profile.language_level, language_target, programme.language_months_to_reach
            )
        else:
            months = programme.stage(draft.stage).duration_months
        draft.end = add_months(draft.start, months)


def _check_eligibility(
    ordered: list[_Draft], profile: ParticipantProfile, programme: Programme
) -> list[tuple[_Draft, str]]:
    """Stages past the 27th birthday's month need a recorded exception; warn or rule them out."""
    warnings: list[tuple[_Draft, str]] = []
    ends_on = profile.eligibility_ends_on
    for draft in ordered:
        if draft.status != PlannedStageStatus.PLANNED or draft.end is None or draft.end <= ends_on:
            continue
        if profile.eligibility_exception is not None:
            draft.reasons.append(programme.reasons.exception_recorded)
        elif draft.start is not None and draft.start > ends_on:
            draft.status = PlannedStageStatus.NOT_ELIGIBLE
            draft.code = PlanReason.AGE_LIMIT
            draft.reasons.append(programme.reasons.starts_after_eligibility)
            warnings.append((draft, "$stage: " + programme.reasons.starts_after_eligibility))
        else:
            draft.ends_after_eligibility = True
            draft.reasons.append(programme.reasons.ends_after_eligibility)
            warnings.append((draft, "$stage: " + programme.reasons.ends_after_eligibility))
    return warnings


def _template_values(
    profile: ParticipantProfile,
    programme: Programme,
    floor: LanguageLevel | None,
    target: LanguageLevel | None,
) -> dict[str, str]:
    """Everything a reason text may mention, in German."""
    return {
        "goal": programme.goal_scope(profile.goal.target_stage).label_de,
        "language_level": LANGUAGE_LEVEL_DE[profile.language_level],
        "language_floor": floor.value if floor else "–",
        "language_target": target.value if target else "–",
        "school_certificate": SCHOOL_CERTIFICATE_DE[profile.school_certificate],
        "vocational_qualification": VOCATIONAL_QUALIFICATION_DE[profile.vocational_qualification],
        "current_activity": ACTIVITY_DE[profile.current_activity],
        "residence_status": RESIDENCE_STATUS_DE[profile.residence_status],
        "eligibility_ends_on": date_de(profile.eligibility_ends_on),
        "job_follow_up_months": str(programme.deadlines.job_follow_up_months),
    }


def _dates(draft: _Draft) -> dict[str, str]:
    """Values that differ per stage."""
    return {
        "stage": STAGE_DE[draft.stage],
        "modules": ", ".join(draft.modules) or "–",
        "estimated_start": month_de(draft.start) if draft.start else "–",
        "estimated_end": month_de(draft.end) if draft.end else "–",
    }


def _finish(draft: _Draft, values: dict[str, str]) -> PlannedStage:
    """Render the German reason now that every value is known."""
    stage_values = values | _dates(draft)
    planned = draft.status == PlannedStageStatus.PLANNED
    return PlannedStage(
        stage=draft.stage,
        status=draft.status,
        modules=draft.modules if planned else [],
        target=draft.target if planned else None,
        may_overlap_with=draft.may_overlap_with if planned else [],
        estimated_start=draft.start,
        estimated_end=draft.end,
        ends_after_eligibility=draft.ends_after_eligibility,
        ongoing_at_entry=draft.ongoing,
        reason=draft.code,
        reason_de=" ".join(render(text, stage_values) for text in draft.reasons),
    )
