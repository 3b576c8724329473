"""The chain driven by method calls, as the workflow will drive it: stage after stage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from workflow_builders import CASEWORKER, Driver, kinds

from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.decisions import (
    ChangeGoal,
    ChooseOtherOffer,
    PauseCase,
    RecordFollowUp,
    RecordOutcome,
    ReorderStages,
    RequestNewMatch,
    ResumeCase,
    SkipStage,
)
from kette_workflows.domain.events import (
    JobStarted,
    ReferralConfirmed,
    ReferralRequested,
    ReferralWithdrawn,
)
from kette_workflows.domain.vocabulary import (
    ChainStatus,
    CloseReason,
    OfferChoice,
    ReorderReason,
    ReportKind,
    SkipReason,
    StagePhase,
    TaskKind,
)

pytestmark = pytest.mark.unit

Start = Callable[..., Driver]


def phases(driver: Driver) -> dict[Stage, StagePhase]:
    return {progress.stage: progress.phase for progress in driver.chain.state.stages}


def open_task_kinds(driver: Driver) -> list[TaskKind]:
    return [task.kind for task in driver.chain.open_tasks()]


def test_start_opens_only_the_first_stage_and_asks_matching(start: Start) -> None:
    driver = start()

    timeline = driver.chain.timeline()

    assert kinds(timeline) == ["chain_started", "stage_opened", "referral_requested"]
    request = timeline[2]
    assert isinstance(request, ReferralRequested)
    assert (request.stage, request.target, request.kommune) == (Stage.LANGUAGE, "B2", "Unna")
    assert [event.sequence for event in timeline] == [1, 2, 3]
    assert phases(driver)[Stage.SCHOOL] == StagePhase.PENDING


def test_happy_path_through_all_four_stages_ends_in_sustained_work(start: Start) -> None:
    driver = start()

    for stage, offer in [
        (Stage.LANGUAGE, "jik-vhs-unna"),
        (Stage.SCHOOL, "f3-bk-unna"),
        (Stage.APPRENTICESHIP, "eq-handwerk"),
    ]:
        events = driver.walk_stage(stage, offer)
        assert "stage_completed" in kinds(events)
        assert phases(driver)[stage] == StagePhase.COMPLETED

    driver.propose(Stage.JOB, "job-logistik")
    driver.confirm(Stage.JOB, "job-logistik")
    started = driver.report(Stage.JOB, ReportKind.ENROLLED)
    job_started = next(e for e in started if isinstance(e, JobStarted))
    assert (job_started.started_on, job_started.follow_up_due_on) == (
        date(2026, 3, 19),
        date(2026, 9, 19),
    )
    assert phases(driver)[Stage.JOB] == StagePhase.FOLLOW_UP

    driver.later(days=190)
    driver.chain.fire_due_timers(driver.now)
    assert TaskKind.FOLLOW_UP in open_task_kinds(driver)
    closing = driver.chain.decide(
        RecordFollowUp(still_employed=True, caseworker_id=CASEWORKER), driver.now
    )

    assert kinds(closing)[-1] == "case_closed"
    assert driver.chain.status == ChainStatus.CLOSED
    assert driver.chain.state.close_reason == CloseReason.SUSTAINED_WORK
    assert set(phases(driver).values()) == {StagePhase.COMPLETED}
    assert driver.chain.open_tasks() == []
    sequences = [event.sequence for event in driver.chain.timeline()]
    assert sequences == list(range(1, len(sequences) + 1))


def test_a_passed_language_exam_raises_the_recorded_level(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)

    events = driver.report(
        Stage.LANGUAGE, ReportKind.EXAM_RESULT, exam_passed=True, exam_level="B1"
    )

    assert kinds(events) == ["outcome_recorded", "profile_facts_updated"]
    assert driver.chain.state.profile.language_level == "B1"


def test_drop_out_then_retry_with_another_proposed_offer(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik-a", "jik-b")
    driver.confirm(Stage.LANGUAGE, "jik-a")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)

    dropped = driver.report(Stage.LANGUAGE, ReportKind.DROPPED_OUT)

    assert kinds(dropped) == ["outcome_recorded", "task_opened"]
    assert phases(driver)[Stage.LANGUAGE] == StagePhase.AWAITING_DECISION
    assert open_task_kinds(driver) == [TaskKind.CHOOSE_OFFER]
    assert driver.chain.state.progress(Stage.LANGUAGE).tried_offer_ids == ["jik-a"]
    retry = driver.confirm(Stage.LANGUAGE, "jik-b")
    confirmed = next(e for e in retry if isinstance(e, ReferralConfirmed))
    assert confirmed.offer_id == "jik-b"
    assert driver.chain.state.progress(Stage.LANGUAGE).attempts == 2
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)
    driver.report(Stage.LANGUAGE, ReportKind.COMPLETED)
    assert phases(driver)[Stage.LANGUAGE] == StagePhase.COMPLETED


def test_a_rejection_leads_to_a_new_search_that_excludes_the_tried_offer(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik-a")
    driver.confirm(Stage.LANGUAGE, "jik-a")
    driver.report(Stage.LANGUAGE, ReportKind.REJECTED)

    events = driver.chain.decide(
        RequestNewMatch(stage=Stage.LANGUAGE, caseworker_id=CASEWORKER), driver.now
    )

    request = next(e for e in events if isinstance(e, ReferralRequested))
    assert request.excluded_offer_ids == ["jik-a"]
    assert request.attempt == 2
    assert phases(driver)[Stage.LANGUAGE] == StagePhase.MATCHING


def test_no_offer_found_is_recorded_as_a_gap_and_the_caseworker_brings_her_own(
    start: Start,
) -> None:
    driver = start()

    gap = driver.propose(Stage.LANGUAGE)
    own = driver.chain.decide(
        ChooseOtherOffer(
            stage=Stage.LANGUAGE,
            offer_id="vhs-abendkurs",
            provider_id="vhs-kamen",
            caseworker_id=CASEWORKER,
        ),
        driver.now,
    )

    assert kinds(gap) == ["no_offer_found", "task_opened"]
    confirmed = next(e for e in own if isinstance(e, ReferralConfirmed))
    assert (confirmed.choice, confirmed.provider_id) == (OfferChoice.CASEWORKER_FOUND, "vhs-kamen")
    assert open_task_kinds(driver) == []


def test_pause_holds_back_new_stages_until_resumed(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)
    paused = driver.chain.decide(
        PauseCase(reason=PauseReason.CHILDCARE, caseworker_id=CASEWORKER), driver.now
    )

    completed = driver.report(Stage.LANGUAGE, ReportKind.COMPLETED)

    assert kinds(paused) == ["case_paused"]
    assert "stage_opened" not in kinds(completed)
    assert phases(driver)[Stage.SCHOOL] == StagePhase.PENDING
    resumed = driver.chain.decide(ResumeCase(caseworker_id=CASEWORKER), driver.now)
    assert kinds(resumed) == ["case_resumed", "stage_opened", "referral_requested"]
    assert driver.chain.status == ChainStatus.ACTIVE
    assert phases(driver)[Stage.SCHOOL] == StagePhase.MATCHING


def test_skipping_an_open_stage_withdraws_its_referral_and_opens_the_next(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")

    events = driver.chain.decide(
        SkipStage(
            stage=Stage.LANGUAGE, reason=SkipReason.ACHIEVED_ELSEWHERE, caseworker_id=CASEWORKER
        ),
        driver.now,
    )

    assert kinds(events) == [
        "referral_withdrawn", "stage_skipped", "stage_opened", "referral_requested",
    ]  # fmt: skip
    assert phases(driver)[Stage.SCHOOL] == StagePhase.MATCHING


def test_skipping_every_earlier_stage_opens_work(start: Start) -> None:
    driver = start()
    driver.chain.decide(
        SkipStage(stage=Stage.LANGUAGE, reason=SkipReason.NOT_NEEDED, caseworker_id=CASEWORKER),
        driver.now,
    )
    driver.chain.decide(
        SkipStage(stage=Stage.SCHOOL, reason=SkipReason.NOT_NEEDED, caseworker_id=CASEWORKER),
        driver.now,
    )
    driver.propose(Stage.APPRENTICESHIP)  # a gap: no apprenticeship offer right now
    skip = SkipStage(
        stage=Stage.APPRENTICESHIP, reason=SkipReason.NO_OFFER_AVAILABLE, caseworker_id=CASEWORKER
    )
    driver.chain.decide(skip, driver.now)

    assert phases(driver)[Stage.JOB] == StagePhase.MATCHING


def test_reorder_puts_the_pending_stages_in_the_new_order(start: Start) -> None:
    driver = start()

    events = driver.chain.decide(
        ReorderStages(
            order=[Stage.APPRENTICESHIP, Stage.SCHOOL, Stage.JOB],
            reason=ReorderReason.OFFER_AVAILABILITY,
            caseworker_id=CASEWORKER,
        ),
        driver.now,
    )

    assert kinds(events) == ["stages_reordered"]
    assert [p.stage for p in driver.chain.state.stages] == [
        Stage.LANGUAGE, Stage.APPRENTICESHIP, Stage.SCHOOL, Stage.JOB,
    ]  # fmt: skip


def test_apprentice_at_entry_gets_f2_now_and_work_only_after_the_apprenticeship(
    start: Start,
) -> None:
    driver = start(language_level="A2", current_activity="apprenticeship")

    assert phases(driver) == {
        Stage.SCHOOL: StagePhase.SKIPPED,
        Stage.LANGUAGE: StagePhase.MATCHING,
        Stage.APPRENTICESHIP: StagePhase.ONGOING,
        Stage.JOB: StagePhase.PENDING,
    }
    driver.walk_stage(Stage.LANGUAGE, "f2-sprache")
    assert phases(driver)[Stage.JOB] == StagePhase.PENDING, "apprenticeship still running"

    events = driver.chain.decide(
        RecordOutcome(
            stage=Stage.APPRENTICESHIP, outcome=ReportKind.COMPLETED, caseworker_id=CASEWORKER
        ),
        driver.now,
    )

    assert kinds(events)[:2] == ["outcome_recorded", "stage_completed"]
    assert phases(driver)[Stage.JOB] == StagePhase.MATCHING


def test_b1_learner_runs_f2_language_alongside_the_apprenticeship(start: Start) -> None:
    driver = start(language_level="B1", school_certificate="erster")

    assert phases(driver)[Stage.LANGUAGE] == StagePhase.MATCHING
    assert phases(driver)[Stage.APPRENTICESHIP] == StagePhase.MATCHING
    assert phases(driver)[Stage.JOB] == StagePhase.PENDING


def test_changing_the_goal_replans_and_keeps_completed_stages(start: Start) -> None:
    driver = start()
    driver.walk_stage(Stage.LANGUAGE, "jik")
    driver.propose(Stage.SCHOOL, "f3")
    driver.confirm(Stage.SCHOOL, "f3")

    events = driver.chain.decide(
        ChangeGoal(goal={"target_stage": "job"}, caseworker_id=CASEWORKER), driver.now
    )

    assert kinds(events)[:3] == ["goal_changed", "referral_withdrawn", "plan_changed"]
    withdrawn = next(e for e in events if isinstance(e, ReferralWithdrawn))
    assert withdrawn.stage == Stage.SCHOOL
    assert phases(driver) == {
        Stage.LANGUAGE: StagePhase.COMPLETED,
        Stage.SCHOOL: StagePhase.SKIPPED,
        Stage.APPRENTICESHIP: StagePhase.SKIPPED,
        Stage.JOB: StagePhase.MATCHING,
    }
    assert driver.chain.plan().stages[0].reason_de == "Im Verlauf bereits abgeschlossen."


def test_the_caseworker_records_a_completion_the_provider_never_reported(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    referral_id = driver.referral(Stage.LANGUAGE).referral_id

    events = driver.chain.decide(
        RecordOutcome(
            stage=Stage.LANGUAGE,
            outcome=ReportKind.COMPLETED,
            referral_id=referral_id,
            caseworker_id=CASEWORKER,
        ),
        driver.now,
    )

    recorded = events[0]
    assert recorded.kind == "outcome_recorded"
    assert recorded.model_dump()["source"] == "caseworker"
    assert phases(driver)[Stage.LANGUAGE] == StagePhase.COMPLETED


def test_low_attendance_asks_for_coaching_once(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)

    first = driver.report(Stage.LANGUAGE, ReportKind.ATTENDANCE, attendance_percent=55)
    second = driver.report(Stage.LANGUAGE, ReportKind.ATTENDANCE, attendance_percent=60)
    fine = driver.report(Stage.LANGUAGE, ReportKind.ATTENDANCE, attendance_percent=90)

    assert kinds(first) == ["outcome_recorded", "task_opened"]
    assert kinds(second) == ["outcome_recorded"]
    assert kinds(fine) == ["outcome_recorded"]
    task = driver.chain.open_tasks()[0]
    assert task.message_de == "Sprache: Anwesenheit 55 % – Coaching (F1) einschalten."


def test_apprenticeship_enrolment_with_duldung_raises_the_60c_hint(start: Start) -> None:
    driver = start(language_level="B2", school_certificate="erster")
    driver.propose(Stage.APPRENTICESHIP, "azubi-kfz")
    driver.confirm(Stage.APPRENTICESHIP, "azubi-kfz")

    events = driver.report(Stage.APPRENTICESHIP, ReportKind.ENROLLED)

    assert kinds(events) == ["outcome_recorded", "task_opened"]
    hint = driver.chain.open_tasks()[-1]
    assert hint.kind == TaskKind.PROGRAMME_HINT
    assert "Ausbildungsduldung (§60c AufenthG)" in hint.message_de
