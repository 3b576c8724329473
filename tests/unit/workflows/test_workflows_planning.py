"""Planning the Integrationskette from the profile: the real cases of DOMAIN.md."""

from __future__ import annotations

from datetime import date

import pytest
from workflow_builders import profile, programme

from kette_core.contracts.chain import PlannedStageStatus
from kette_core.contracts.vocabulary import Module, Stage
from kette_workflows.domain.planning import Plan, plan_chain

pytestmark = pytest.mark.unit

TODAY = date(2025, 3, 3)


def statuses(plan: Plan) -> dict[Stage, PlannedStageStatus]:
    return {planned.stage: planned.status for planned in plan.stages}


def test_trained_person_with_b1_goes_straight_to_work() -> None:
    trained = profile(
        language_level="B1",
        vocational_qualification="foreign",
        school_certificate="foreign_unrecognised",
        goal={"target_stage": "job"},
    )

    plan = plan_chain(trained, programme(), TODAY)

    assert statuses(plan) == {
        Stage.LANGUAGE: PlannedStageStatus.MET_AT_ENTRY,
        Stage.SCHOOL: PlannedStageStatus.SKIPPED,
        Stage.APPRENTICESHIP: PlannedStageStatus.SKIPPED,
        Stage.JOB: PlannedStageStatus.PLANNED,
    }
    assert "B1 erreicht bereits das Ziel A2" in plan.stage(Stage.LANGUAGE).reason_de
    assert "Berufsabschluss" in plan.stage(Stage.APPRENTICESHIP).reason_de
    assert plan.stage(Stage.JOB).target == "employment"
    assert "Nachbetreuung 6 Monate" in plan.stage(Stage.JOB).reason_de


def test_a1_learner_without_certificate_walks_all_four_stages_in_order() -> None:
    plan = plan_chain(profile(language_level="A1", school_certificate="none"), programme(), TODAY)

    assert [p.stage for p in plan.stages] == [
        Stage.LANGUAGE,
        Stage.SCHOOL,
        Stage.APPRENTICESHIP,
        Stage.JOB,
    ]
    assert set(statuses(plan).values()) == {PlannedStageStatus.PLANNED}
    language = plan.stage(Stage.LANGUAGE)
    assert language.target == "B2"
    assert language.modules == [Module.F4, Module.F1]
    assert language.may_overlap_with == []
    assert "A1 liegt unter B1" in language.reason_de
    school = plan.stage(Stage.SCHOOL)
    assert school.modules == [Module.F3, Module.F1]
    assert "Erster Schulabschluss über F3" in school.reason_de
    assert school.estimated_start == language.estimated_end
    assert "Ausbildungsduldung (§60c AufenthG)" in plan.stage(Stage.APPRENTICESHIP).reason_de
    assert plan.warnings_de == []


def test_apprentice_at_entry_gets_f2_language_with_f1_coaching_alongside() -> None:
    apprentice = profile(language_level="A2", current_activity="apprenticeship")

    plan = plan_chain(apprentice, programme(), TODAY)

    apprenticeship = plan.stage(Stage.APPRENTICESHIP)
    assert apprenticeship.status == PlannedStageStatus.MET_AT_ENTRY
    assert apprenticeship.ongoing_at_entry is True
    language = plan.stage(Stage.LANGUAGE)
    assert language.status == PlannedStageStatus.PLANNED
    assert language.modules == [Module.F2, Module.F1]
    assert language.may_overlap_with == [Stage.APPRENTICESHIP]
    assert language.target == "B2"
    assert "Bereits in Ausbildung: berufsbegleitende Sprachförderung (F2)" in language.reason_de
    assert plan.stage(Stage.SCHOOL).status == PlannedStageStatus.SKIPPED
    job = plan.stage(Stage.JOB)
    assert job.status == PlannedStageStatus.PLANNED
    assert job.estimated_start is None, "the running apprenticeship's end is unknown"
    assert "Nach Abschluss der laufenden Ausbildung" in job.reason_de


def test_worker_at_entry_is_recorded_as_met_and_learns_alongside_work() -> None:
    worker = profile(language_level="A1", current_activity="work", goal={"target_stage": "job"})

    plan = plan_chain(worker, programme(), TODAY)

    assert plan.stage(Stage.JOB).status == PlannedStageStatus.MET_AT_ENTRY
    assert plan.stage(Stage.JOB).ongoing_at_entry is True
    assert plan.stage(Stage.LANGUAGE).modules == [Module.F2, Module.F1]
    assert plan.stage(Stage.LANGUAGE).may_overlap_with == [Stage.JOB]
    assert plan.stage(Stage.LANGUAGE).target == "A2"


def test_stages_past_the_27th_birthday_month_are_flagged_or_ruled_out() -> None:
    turns_27_soon = profile(eligibility_ends_on=date(2027, 1, 31))

    plan = plan_chain(turns_27_soon, programme(), TODAY)

    assert plan.stage(Stage.LANGUAGE).status == PlannedStageStatus.PLANNED
    assert plan.stage(Stage.LANGUAGE).ends_after_eligibility is False
    school = plan.stage(Stage.SCHOOL)
    assert school.status == PlannedStageStatus.PLANNED
    assert school.ends_after_eligibility is True
    assert "nach dem Ende der Förderberechtigung am 31.01.2027" in school.reason_de
    assert plan.stage(Stage.APPRENTICESHIP).status == PlannedStageStatus.NOT_ELIGIBLE
    assert plan.stage(Stage.APPRENTICESHIP).modules == []
    assert "Voraussichtlicher Beginn 04/2027" in plan.stage(Stage.APPRENTICESHIP).reason_de
    assert plan.stage(Stage.JOB).status == PlannedStageStatus.NOT_ELIGIBLE
    assert len(plan.warnings_de) == 3
    assert plan.warnings_de[0].startswith("Schulabschluss: Achtung")


def test_a_recorded_exception_keeps_stages_past_27_planned() -> None:
    with_exception = profile(
        eligibility_ends_on=date(2027, 1, 31), eligibility_exception="finish_ongoing_stage"
    )

    plan = plan_chain(with_exception, programme(), TODAY)

    assert set(statuses(plan).values()) == {PlannedStageStatus.PLANNED}
    assert not any(p.ends_after_eligibility for p in plan.stages)
    assert "Ausnahme von der Altersgrenze dokumentiert" in plan.stage(Stage.SCHOOL).reason_de
    assert plan.warnings_de == []


def test_language_durations_come_from_the_programme_per_level() -> None:
    plan = plan_chain(profile(language_level="A1"), programme(), TODAY)

    language = plan.stage(Stage.LANGUAGE)
    # A2 (3) + B1 (4) + B2 (6) months in durchstarten.json
    assert (language.estimated_start, language.estimated_end) == (TODAY, date(2026, 4, 3))


def test_b1_without_certificate_learns_towards_b2_alongside_the_apprenticeship() -> None:
    plan = plan_chain(profile(language_level="B1"), programme(), TODAY)

    assert [p.stage for p in plan.stages] == [
        Stage.SCHOOL,
        Stage.LANGUAGE,
        Stage.APPRENTICESHIP,
        Stage.JOB,
    ]
    language = plan.stage(Stage.LANGUAGE)
    assert language.modules == [Module.F2, Module.F1]
    assert "Mindestniveau B1 ist erreicht" in language.reason_de
    assert plan.stage(Stage.APPRENTICESHIP).estimated_start == language.estimated_start


def test_employment_ban_rules_out_work_and_f2() -> None:
    banned = profile(
        language_level="B1",
        current_activity="none",
        constraints={"childcare_needed": False, "employment_ban": True},
    )

    plan = plan_chain(banned, programme(), TODAY)

    assert plan.stage(Stage.APPRENTICESHIP).status == PlannedStageStatus.NOT_ELIGIBLE
    assert plan.stage(Stage.JOB).status == PlannedStageStatus.NOT_ELIGIBLE
    assert "Beschäftigungsverbot" in plan.stage(Stage.JOB).reason_de
    assert Module.F2 not in [m for p in plan.stages for m in p.modules]


def test_foreign_unrecognised_certificate_plans_recognition_not_f3() -> None:
    plan = plan_chain(profile(school_certificate="foreign_unrecognised"), programme(), TODAY)

    school = plan.stage(Stage.SCHOOL)
    assert school.status == PlannedStageStatus.PLANNED
    assert school.target == "recognition"
    assert school.modules == []
    assert "Bezirksregierung" in school.reason_de


def test_residence_permit_holder_is_not_in_the_target_group() -> None:
    plan = plan_chain(profile(residence_status="aufenthaltserlaubnis"), programme(), TODAY)

    planned_or_not = {p.status for p in plan.stages}
    assert planned_or_not == {PlannedStageStatus.NOT_ELIGIBLE}
    assert "Aufenthaltserlaubnis gehört nicht zur Zielgruppe" in plan.stage(Stage.JOB).reason_de


def test_goal_school_certificate_leaves_apprenticeship_and_work_out() -> None:
    plan = plan_chain(profile(goal={"target_stage": "school"}), programme(), TODAY)

    assert plan.stage(Stage.APPRENTICESHIP).status == PlannedStageStatus.SKIPPED
    assert "Nicht Teil des vereinbarten Ziels „Schulabschluss“" in (
        plan.stage(Stage.APPRENTICESHIP).reason_de
    )
    assert plan.stage(Stage.LANGUAGE).target == "B1", "school needs B1, not the B2 of training"


def test_replanning_keeps_completed_stages_and_moves_on_from_today() -> None:
    later = date(2026, 5, 1)

    plan = plan_chain(profile(language_level="B2"), programme(), later, completed=[Stage.SCHOOL])

    assert plan.stage(Stage.SCHOOL).status == PlannedStageStatus.COMPLETED
    assert plan.stage(Stage.SCHOOL).reason_de == "Im Verlauf bereits abgeschlossen."
    assert plan.stage(Stage.APPRENTICESHIP).estimated_start == later


def test_every_reason_is_fully_rendered_german_text() -> None:
    profiles = [
        profile(),
        profile(language_level="B1", vocational_qualification="german"),
        profile(current_activity="apprenticeship"),
        profile(eligibility_ends_on=date(2026, 1, 31)),
        profile(residence_status="other"),
    ]
    for candidate in profiles:
        for planned in plan_chain(candidate, programme(), TODAY).stages:
            assert planned.reason_de
            assert "$" not in planned.reason_de


def test_planning_is_deterministic() -> None:
    first = plan_chain(profile(), programme(), TODAY)
    second = plan_chain(profile(), programme(), TODAY)

    assert first.model_dump_json() == second.model_dump_json()
