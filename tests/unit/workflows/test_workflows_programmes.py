"""Programme rules are data: two programmes, one planner, and a loader that catches typos."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

import pytest
from pydantic import ValidationError
from workflow_builders import START, Driver, profile, programme

from kette_core.contracts.chain import PlannedStageStatus
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.conditions import AllCondition, FieldCondition, NotCondition
from kette_workflows.domain.planning import plan_chain
from kette_workflows.domain.programme import Programme
from kette_workflows.programmes import load_programme

pytestmark = pytest.mark.unit


def raw_programme(programme_id: str = "durchstarten") -> dict[str, Any]:
    text = files("kette_workflows.programmes").joinpath(f"{programme_id}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_both_shipped_programmes_load_and_validate() -> None:
    durchstarten = load_programme("durchstarten")
    kim = load_programme("kim")

    assert durchstarten.name_de == "Durchstarten in Ausbildung und Arbeit"
    assert kim.programme_id == "kim"


def test_an_unknown_programme_id_names_the_available_ones() -> None:
    with pytest.raises(ValueError, match="available: durchstarten, kim"):
        load_programme("gemeinsam-klappts")


def test_kim_differs_from_durchstarten_by_data_only() -> None:
    """Same profile, same code, different rule files: different plan and deadlines."""
    aims_for_work = profile(language_level="B1", goal={"target_stage": "job"})
    today = START.date()

    durchstarten_plan = plan_chain(aims_for_work, programme("durchstarten"), today)
    kim_plan = plan_chain(aims_for_work.with_changes(programme_id="kim"), programme("kim"), today)

    assert durchstarten_plan.stage(Stage.SCHOOL).status == PlannedStageStatus.SKIPPED
    assert kim_plan.stage(Stage.SCHOOL).status == PlannedStageStatus.PLANNED
    assert programme("durchstarten").deadlines.provider_response_days == 10
    assert programme("kim").deadlines.provider_response_days == 14


@pytest.mark.parametrize(("programme_id", "days"), [("durchstarten", 10), ("kim", 14)])
def test_the_provider_deadline_of_a_running_chain_follows_its_programme(
    start: Callable[..., Driver], programme_id: str, days: int
) -> None:
    driver = start(programme_id)
    driver.propose(Stage.LANGUAGE, "offer-1")
    driver.confirm(Stage.LANGUAGE, "offer-1")

    assert driver.referral(Stage.LANGUAGE).answer_due_at - START == timedelta(days=days)


def test_a_changed_rule_file_changes_the_plan_without_code() -> None:
    data = raw_programme()
    school = next(s for s in data["stages"] if s["stage"] == "school")
    school["language_floor"] = "A2"
    school["language_recommended"] = "A2"
    goal = next(g for g in data["goals"] if g["target_stage"] == "apprenticeship")
    goal["stages"] = ["language", "school"]
    lenient = Programme.model_validate(data)

    plan = plan_chain(profile(language_level="A2"), lenient, START.date())

    assert plan.stage(Stage.LANGUAGE).status == PlannedStageStatus.MET_AT_ENTRY
    assert plan.stage(Stage.APPRENTICESHIP).status == PlannedStageStatus.SKIPPED


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (
            lambda d: d["stages"][1]["rules"][0]["when"].update(field="languge_level"),
            "unknown fact 'languge_level'",
        ),
        (lambda d: d["stages"][1]["rules"].pop(), "the last rule must have no 'when'"),
        (
            lambda d: d["stages"][1]["rules"][0].update(reason_de="Schon da: $certificate"),
            "unknown placeholder $certificate",
        ),
        (
            lambda d: d["stages"][3]["rules"][0].update(
                when={"field": "language_target_met", "equals": True}
            ),
            "only language rules may read 'language_target_met'",
        ),
        (lambda d: d["stages"].pop(), "each of language, school, apprenticeship, job"),
        (lambda d: d["modules"].pop(0), "module F1 is used but not defined"),
        (
            lambda d: d["stages"][1]["rules"][0]["when"].update(equals="erster"),
            "needs exactly one of equals/in/at_least",
        ),
    ],
)
def test_a_broken_programme_file_is_rejected_when_loaded(breakage: Any, message: str) -> None:
    data = raw_programme()
    breakage(data)

    with pytest.raises(ValidationError, match=message.replace("$", r"\$")):
        Programme.model_validate(data)


def test_the_condition_language_combines_all_any_not_and_cefr_order() -> None:
    condition = AllCondition.model_validate(
        {
            "all": [
                {"field": "language_level", "at_least": "B1"},
                {"not": {"field": "employment_ban", "equals": True}},
                {"any": [{"field": "goal_stage", "in": ["job", "apprenticeship"]}]},
            ]
        }
    )
    facts = {"language_level": "B2", "employment_ban": False, "goal_stage": "job"}

    assert condition.holds(facts)
    assert not condition.holds(facts | {"language_level": "A2"})
    assert not condition.holds(facts | {"employment_ban": True})
    assert not condition.holds(facts | {"goal_stage": "school"})


def test_equals_null_survives_a_json_round_trip() -> None:
    condition = FieldCondition.model_validate({"field": "language_target", "equals": None})
    negated = NotCondition.model_validate({"not": {"field": "kommune", "in": ["Unna"]}})

    assert condition.model_dump() == {"field": "language_target", "equals": None}
    assert FieldCondition.model_validate_json(condition.model_dump_json()).holds(
        {"language_target": None}
    )
    assert NotCondition.model_validate_json(negated.model_dump_json()) == negated


def test_kim_plans_the_same_four_domain_cases_as_durchstarten() -> None:
    """Apart from the data differences, the successor keeps the shape of the work."""
    for candidate in (profile(), profile(current_activity="apprenticeship")):
        first = plan_chain(candidate, programme("durchstarten"), date(2025, 3, 3))
        second = plan_chain(candidate, programme("kim"), date(2025, 3, 3))
        assert [p.status for p in first.stages] == [p.status for p in second.stages]
