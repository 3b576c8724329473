"""The chain's state is plain data: it survives JSON (continue-as-new) and replays identically."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

import pytest
from pydantic import ValidationError
from workflow_builders import CASEWORKER, START, Driver, profile, programme

from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.chain import Chain
from kette_workflows.domain.decisions import CompleteTask, PauseCase, ResumeCase
from kette_workflows.domain.inputs import ResidenceStatusChange
from kette_workflows.domain.state import CLOSED_TASKS_KEPT, TIMELINE_KEPT, ChainState
from kette_workflows.domain.vocabulary import ReportKind

pytestmark = pytest.mark.unit

Start = Callable[..., Driver]


def busy_chain(driver: Driver) -> Driver:
    """A chain with a bit of everything: drop-out, retry, tasks, pause, re-plan."""
    driver.propose(Stage.LANGUAGE, "jik-a", "jik-b")
    driver.confirm(Stage.LANGUAGE, "jik-a")
    driver.chain.fire_due_timers(driver.later(days=11))
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)
    driver.report(Stage.LANGUAGE, ReportKind.ATTENDANCE, attendance_percent=40)
    driver.report(Stage.LANGUAGE, ReportKind.DROPPED_OUT)
    driver.chain.decide(
        PauseCase(reason=PauseReason.PERSONAL_CIRCUMSTANCES, caseworker_id=CASEWORKER), driver.now
    )
    driver.chain.decide(ResumeCase(caseworker_id=CASEWORKER), driver.later(days=30))
    driver.confirm(Stage.LANGUAGE, "jik-b")
    driver.chain.residence_status_changed(
        ResidenceStatusChange(new_status="duldung", expires_on=date(2026, 1, 31)), driver.now
    )
    driver.report_on("unknown-ref", ReportKind.ACCEPTED)
    return driver


def test_state_round_trips_through_json_unchanged(start: Start) -> None:
    driver = busy_chain(start(residence_status_expires_on=date(2025, 9, 30)))
    dumped = driver.chain.to_json()

    restored = Chain.from_json(dumped)

    assert restored.state == driver.chain.state
    assert restored.to_json() == dumped
    assert len(restored.timeline()) == len(driver.chain.timeline()) > 20


def test_a_restored_chain_continues_exactly_like_the_original(start: Start) -> None:
    original = busy_chain(start())
    restored = Driver(Chain.from_json(original.chain.to_json()), original.now)

    for driver in (original, restored):
        driver.report(Stage.LANGUAGE, ReportKind.ENROLLED, report_id="ce-enrolled")
        driver.report(Stage.LANGUAGE, ReportKind.COMPLETED, report_id="ce-completed")
        driver.chain.fire_due_timers(driver.later(days=200))

    assert restored.chain.to_json() == original.chain.to_json()
    assert original.chain.state.progress(Stage.LANGUAGE).phase == "completed"


def test_the_same_inputs_give_the_same_events_and_sequence_numbers(start: Start) -> None:
    first = busy_chain(start())
    second = busy_chain(start())

    assert first.chain.to_json() == second.chain.to_json()
    sequences = [event.sequence for event in first.chain.timeline()]
    assert sequences == list(range(1, len(sequences) + 1))


def test_events_name_their_cloudevents_type(start: Start) -> None:
    driver = start()

    types = [event.event_type for event in driver.chain.timeline()]

    assert types == [
        "kette.chain.chain_started.v1",
        "kette.chain.stage_opened.v1",
        "kette.chain.referral_requested.v1",
    ]


def test_the_chain_started_event_records_activity_at_entry(start: Start) -> None:
    driver = start(current_activity="apprenticeship", language_level="A2")

    started = driver.chain.timeline()[0].model_dump(mode="json")

    assert started["current_activity"] == "apprenticeship"
    apprenticeship = next(s for s in started["stages"] if s["stage"] == "apprenticeship")
    assert apprenticeship == {
        "stage": "apprenticeship",
        "status": "met_at_entry",
        "reason": "already_in_apprenticeship",
        "ongoing_at_entry": True,
        "modules": [],
        "target": None,
    }


def test_events_carry_no_eligibility_date_or_free_text(start: Start) -> None:
    driver = busy_chain(start())

    for event in driver.chain.timeline():
        payload = event.model_dump(mode="json")
        assert "eligibility_ends_on" not in payload
        assert not any(key.endswith("_de") for key in payload)


def test_the_profile_refuses_personal_data_fields() -> None:
    fields = profile().model_dump() | {"name": "Amira K.", "birth_date": "2003-05-01"}

    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        type(profile()).model_validate(fields)


def test_a_naive_clock_is_refused_at_start() -> None:

    with pytest.raises(ValueError, match="timezone-aware"):
        Chain.start(profile(), programme(), datetime(2025, 3, 3, 9, 0))


def test_a_profile_for_another_programme_is_refused() -> None:

    with pytest.raises(ValueError, match="does not match programme 'durchstarten'"):
        Chain.start(profile(programme_id="kim"), programme("durchstarten"), START)


def test_the_state_json_schema_is_plain_json(start: Start) -> None:
    driver = start()

    data = json.loads(driver.chain.to_json())

    assert ChainState.model_validate(data) == driver.chain.state
    assert data["programme"]["programme_id"] == "durchstarten"


# -- bounded across continue-as-new -------------------------------------------------------------

CARRIED_STATE_LIMIT = 64 * 1024
"""Bytes of JSON a chain carries into its next run, whatever its age (the programme is ~20 KiB)."""


def decade_of_monthly_reviews_and_attendance(driver: Driver, months: int) -> list[int]:
    """An enrolled course with a monthly attendance report and a review done when due; the
    state's JSON size after every year."""
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)
    sizes = []
    for month in range(1, months + 1):
        driver.later(days=30)
        driver.chain.fire_due_timers(driver.now)
        driver.report(Stage.LANGUAGE, ReportKind.ATTENDANCE, attendance_percent=60 + month % 40)
        for task in driver.chain.open_tasks():
            decision = CompleteTask(task_id=task.task_id, caseworker_id=CASEWORKER)
            driver.chain.decide(decision, driver.now)
        if month % 12 == 0:
            sizes.append(len(driver.chain.to_json()))
    return sizes


def test_ten_years_of_reviews_and_reports_carry_a_bounded_state(start: Start) -> None:
    driver = start(eligibility_ends_on=date(2036, 12, 31))

    sizes = decade_of_monthly_reviews_and_attendance(driver, months=120)

    assert driver.chain.state.last_sequence > TIMELINE_KEPT  # more events than the chain keeps
    assert len(driver.chain.timeline()) == TIMELINE_KEPT
    assert len(driver.chain.state.tasks) <= CLOSED_TASKS_KEPT + len(driver.chain.open_tasks())
    assert max(sizes) < CARRIED_STATE_LIMIT
    later_years = sizes[-5:]
    assert max(later_years) <= min(later_years) * 1.05, f"the state grows with age: {sizes}"


def test_the_timeline_keeps_the_most_recent_events_in_order(start: Start) -> None:
    driver = start(eligibility_ends_on=date(2036, 12, 31))
    decade_of_monthly_reviews_and_attendance(driver, months=120)

    sequences = [event.sequence for event in driver.chain.timeline()]

    last = driver.chain.state.last_sequence
    assert sequences == list(range(last - TIMELINE_KEPT + 1, last + 1))


def test_a_state_carried_by_an_older_run_loads_without_its_retired_fields(start: Start) -> None:
    driver = busy_chain(start())
    older = json.loads(driver.chain.to_json())
    older["handled_report_ids"] = ["ce-1", "ce-2"]
    del older["plan_completed_task_opened"]

    restored = ChainState.model_validate(older)

    assert restored.plan_completed_task_opened is False
    assert restored.timeline == driver.chain.state.timeline
