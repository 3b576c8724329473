"""Timers come from state and programme; the workflow sleeps until the earliest and fires it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from workflow_builders import CASEWORKER, START, Driver, kinds

from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.decisions import (
    PauseCase,
    RecordEligibilityException,
    RecordFollowUp,
    ResumeCase,
)
from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.state import Behaviour
from kette_workflows.domain.vocabulary import (
    ChainStatus,
    CloseReason,
    ReportKind,
    StagePhase,
    TaskKind,
    TimerKind,
)

pytestmark = pytest.mark.unit

Start = Callable[..., Driver]


def timer_kinds(driver: Driver) -> list[TimerKind]:
    return [timer.kind for timer in driver.chain.armed_timers()]


def open_task_kinds(driver: Driver) -> list[TaskKind]:
    return [task.kind for task in driver.chain.open_tasks()]


def test_a_provider_silent_past_the_deadline_becomes_a_caseworker_task(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    deadline = driver.chain.next_timer()
    assert deadline is not None
    assert deadline.kind == TimerKind.PROVIDER_RESPONSE
    assert deadline.due_at == START + timedelta(days=10)

    assert driver.chain.fire_due_timers(deadline.due_at - timedelta(seconds=1)) == []
    events = driver.chain.fire_due_timers(deadline.due_at)

    assert kinds(events) == ["task_opened"]
    task = driver.chain.open_tasks()[0]
    assert task.kind == TaskKind.PROVIDER_NO_RESPONSE
    assert task.message_de == (
        "Sprache: Der Träger hat nicht innerhalb von 10 Tagen auf die Zuweisung geantwortet."
    )
    assert TimerKind.PROVIDER_RESPONSE not in timer_kinds(driver), "fires once"
    driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED)
    assert driver.chain.open_tasks() == [], "the late answer makes the reminder moot"


def test_an_answer_before_the_deadline_disarms_it(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")

    driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED)

    assert TimerKind.PROVIDER_RESPONSE not in timer_kinds(driver)


def test_the_case_review_comes_round_every_period_without_piling_up(start: Start) -> None:
    driver = start()
    first = START + timedelta(days=90)

    driver.chain.fire_due_timers(first)
    after_a_long_sleep = driver.chain.fire_due_timers(START + timedelta(days=400))

    assert open_task_kinds(driver) == [TaskKind.CASE_REVIEW]
    assert kinds(after_a_long_sleep) == []
    assert driver.chain.state.review_due_at == START + timedelta(days=450)


def test_turning_27_without_exception_warns_then_closes_as_reached_27(start: Start) -> None:
    driver = start(eligibility_ends_on=date(2025, 6, 30))
    warning_at = datetime(2025, 4, 1, tzinfo=UTC)  # 90 days before 30 June
    end_at = datetime(2025, 7, 1, tzinfo=UTC)

    warned = driver.chain.fire_due_timers(warning_at)
    assert kinds(warned) == ["task_opened"]
    assert "Die Förderberechtigung endet am 30.06.2025" in driver.chain.open_tasks()[0].message_de

    closing = driver.chain.fire_due_timers(end_at)

    assert kinds(closing)[-1] == "case_closed"
    assert driver.chain.status == ChainStatus.CLOSED
    assert driver.chain.state.close_reason == CloseReason.REACHED_27
    assert driver.chain.armed_timers() == []


def test_turning_27_with_a_recorded_exception_keeps_the_case_open(start: Start) -> None:
    driver = start(eligibility_ends_on=date(2025, 6, 30))
    driver.chain.fire_due_timers(datetime(2025, 4, 1, tzinfo=UTC))

    driver.chain.decide(
        RecordEligibilityException(exception="finish_ongoing_stage", caseworker_id=CASEWORKER),
        driver.later(days=30),
    )
    events = driver.chain.fire_due_timers(datetime(2025, 7, 1, tzinfo=UTC))

    assert "case_closed" not in kinds(events)
    assert driver.chain.status == ChainStatus.ACTIVE
    assert TimerKind.ELIGIBILITY_END not in timer_kinds(driver)
    assert TaskKind.ELIGIBILITY_ENDING not in open_task_kinds(driver)


def test_a_duldung_expiry_raises_a_task_the_set_days_before(start: Start) -> None:
    driver = start(residence_status_expires_on=date(2025, 6, 30))

    events = driver.chain.fire_due_timers(datetime(2025, 5, 1, tzinfo=UTC))  # 60 days before

    assert kinds(events) == ["task_opened"]
    assert driver.chain.open_tasks()[0].message_de == (
        "Der Aufenthaltsstatus läuft am 30.06.2025 ab: Verlängerung mit der Ausländerbehörde "
        "klären."
    )
    assert TimerKind.RESIDENCE_EXPIRY not in timer_kinds(driver)


def test_a_residence_permit_holder_gets_no_expiry_warning(start: Start) -> None:
    driver = start(residence_status="eu_citizen", residence_status_expires_on=date(2025, 6, 30))

    assert TimerKind.RESIDENCE_EXPIRY not in timer_kinds(driver)


def start_job(driver: Driver) -> None:
    driver.propose(Stage.JOB, "job-lager")
    driver.confirm(Stage.JOB, "job-lager")
    driver.report(Stage.JOB, ReportKind.ENROLLED)


def test_six_months_after_the_job_starts_the_follow_up_closes_as_sustained_work(
    start: Start,
) -> None:
    driver = start(
        language_level="B1", vocational_qualification="foreign", goal={"target_stage": "job"}
    )
    start_job(driver)
    follow_up = next(t for t in driver.chain.armed_timers() if t.kind == TimerKind.JOB_FOLLOW_UP)
    assert follow_up.due_at == datetime(2025, 9, 3, tzinfo=UTC)

    driver.chain.fire_due_timers(follow_up.due_at)
    assert TaskKind.FOLLOW_UP in open_task_kinds(driver)
    events = driver.chain.decide(
        RecordFollowUp(still_employed=True, caseworker_id=CASEWORKER), follow_up.due_at
    )

    assert kinds(events)[0] == "follow_up_recorded"
    assert driver.chain.state.close_reason == CloseReason.SUSTAINED_WORK
    assert driver.chain.state.progress(Stage.JOB).phase == StagePhase.COMPLETED


def test_a_job_lost_by_the_follow_up_reopens_the_job_stage(start: Start) -> None:
    driver = start(
        language_level="B1", vocational_qualification="foreign", goal={"target_stage": "job"}
    )
    start_job(driver)
    due = datetime(2025, 9, 3, tzinfo=UTC)
    driver.chain.fire_due_timers(due)

    driver.chain.decide(RecordFollowUp(still_employed=False, caseworker_id=CASEWORKER), due)

    assert driver.chain.status == ChainStatus.ACTIVE
    assert driver.chain.state.progress(Stage.JOB).phase == StagePhase.AWAITING_DECISION
    assert driver.chain.state.progress(Stage.JOB).tried_offer_ids == ["job-lager"]
    assert TaskKind.CHOOSE_OFFER in open_task_kinds(driver)
    assert TaskKind.PROGRAMME_HINT not in open_task_kinds(driver), "the §60d hint is moot"
    assert TaskKind.FOLLOW_UP not in open_task_kinds(driver)
    assert TimerKind.JOB_FOLLOW_UP not in timer_kinds(driver)


def test_timers_are_listed_earliest_first(start: Start) -> None:
    driver = start(
        eligibility_ends_on=date(2027, 12, 31), residence_status_expires_on=date(2025, 8, 31)
    )
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")

    due = [timer.due_at for timer in driver.chain.armed_timers()]

    assert timer_kinds(driver) == [
        TimerKind.PROVIDER_RESPONSE,
        TimerKind.CASE_REVIEW,
        TimerKind.RESIDENCE_EXPIRY,
        TimerKind.ELIGIBILITY_WARNING,
        TimerKind.ELIGIBILITY_END,
    ]
    assert due == sorted(due)


def test_paused_cases_still_reach_the_age_limit(start: Start) -> None:
    driver = start(eligibility_ends_on=date(2025, 6, 30))
    driver.chain.decide(
        PauseCase(reason="personal_circumstances", caseworker_id=CASEWORKER), driver.now
    )

    driver.chain.fire_due_timers(datetime(2025, 7, 1, tzinfo=UTC))

    assert driver.chain.state.close_reason == CloseReason.REACHED_27
    assert driver.chain.state.pause is None


def test_the_follow_up_counts_from_the_start_day_the_provider_reported(start: Start) -> None:
    driver = start(
        language_level="B1", vocational_qualification="foreign", goal={"target_stage": "job"}
    )
    driver.propose(Stage.JOB, "job-lager")
    driver.confirm(Stage.JOB, "job-lager")
    driver.later(days=20)

    driver.report(Stage.JOB, ReportKind.ENROLLED, reported_on=date(2025, 3, 10))

    follow_up = next(t for t in driver.chain.armed_timers() if t.kind == TimerKind.JOB_FOLLOW_UP)
    assert follow_up.due_at == datetime(2025, 9, 10, tzinfo=UTC)
    driver.chain.fire_due_timers(follow_up.due_at)
    task = next(t for t in driver.chain.open_tasks() if t.kind == TaskKind.FOLLOW_UP)
    assert task.due_on == date(2025, 9, 10)


# -- what a pause does to each timer ------------------------------------------------------------


def pause(driver: Driver) -> None:
    decision = PauseCase(reason=PauseReason.CHILDCARE, caseworker_id=CASEWORKER)
    driver.chain.decide(decision, driver.now)


def resume(driver: Driver) -> list[ChainEvent]:
    return driver.chain.decide(ResumeCase(caseworker_id=CASEWORKER), driver.now)


def test_a_pause_holds_the_provider_deadline_and_the_review(start: Start) -> None:
    driver = start(residence_status_expires_on=date(2025, 9, 30))
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    driver.later(days=3)

    pause(driver)

    held = {TimerKind.PROVIDER_RESPONSE, TimerKind.CASE_REVIEW}
    assert held.isdisjoint(timer_kinds(driver))
    assert {TimerKind.ELIGIBILITY_END, TimerKind.RESIDENCE_EXPIRY} <= set(timer_kinds(driver))
    assert driver.chain.fire_due_timers(START + timedelta(days=100)) == []
    assert open_task_kinds(driver) == []


def test_on_resume_the_held_deadlines_move_by_the_length_of_the_pause(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    answer_due = driver.referral(Stage.LANGUAGE).answer_due_at
    review_due = driver.chain.state.review_due_at
    driver.later(days=3)
    pause(driver)
    driver.later(days=40)

    resume(driver)

    timers = {timer.kind: timer.due_at for timer in driver.chain.armed_timers()}
    assert timers[TimerKind.PROVIDER_RESPONSE] == answer_due + timedelta(days=40)
    assert timers[TimerKind.CASE_REVIEW] == review_due + timedelta(days=40)


def test_a_pause_does_not_hold_the_job_follow_up(start: Start) -> None:
    driver = start(
        language_level="B2",
        vocational_qualification="foreign",
        goal={"target_stage": "job"},
    )
    driver.propose(Stage.JOB, "job-1")
    driver.confirm(Stage.JOB, "job-1")
    driver.report(Stage.JOB, ReportKind.ENROLLED)
    pause(driver)

    assert TimerKind.JOB_FOLLOW_UP in timer_kinds(driver)


def test_a_chain_recorded_before_the_patch_keeps_its_timers_running_while_paused(
    start: Start,
) -> None:
    driver = start()
    driver.chain.state.behaviour = Behaviour(pause_holds_timers=False)  # an old history
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    answer_due = driver.referral(Stage.LANGUAGE).answer_due_at
    pause(driver)
    driver.later(days=40)

    events = driver.chain.fire_due_timers(driver.now)
    resume(driver)

    assert TaskKind.PROVIDER_NO_RESPONSE in open_task_kinds(driver)
    assert kinds(events) == ["task_opened"]
    assert driver.referral(Stage.LANGUAGE).answer_due_at == answer_due
