"""Invalid decisions are rejected with a clear message and change nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pydantic import ValidationError
from workflow_builders import CASEWORKER, Driver

from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.decisions import (
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
from kette_workflows.domain.rejections import DecisionRejected
from kette_workflows.domain.vocabulary import (
    CloseReason,
    ReorderReason,
    ReportKind,
    SkipReason,
)

pytestmark = pytest.mark.unit

Start = Callable[..., Driver]


def with_proposals(start: Start) -> Driver:
    """Language awaits a decision between two offers; school is not open yet."""
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik-a", "jik-b")
    return driver


def closed(start: Start) -> Driver:
    driver = with_proposals(start)
    driver.chain.decide(
        CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER), driver.now
    )
    return driver


def paused(start: Start) -> Driver:
    driver = with_proposals(start)
    driver.chain.decide(
        PauseCase(reason=PauseReason.PERSONAL_CIRCUMSTANCES, caseworker_id=CASEWORKER), driver.now
    )
    return driver


def consent_withdrawn(start: Start) -> Driver:
    driver = with_proposals(start)
    driver.chain.consent_withdrawn(driver.now)
    return driver


def referred(start: Start) -> Driver:
    driver = with_proposals(start)
    driver.confirm(Stage.LANGUAGE, "jik-a")
    return driver


CASES: list[tuple[str, Callable[[Start], Driver], Decision, str]] = [
    (
        "offer not proposed",
        with_proposals,
        ConfirmOffer(stage=Stage.LANGUAGE, offer_id="made-up", caseworker_id=CASEWORKER),
        "offer_id: offer made-up was not proposed for stage language",
    ),
    (
        "stage not open",
        with_proposals,
        ConfirmOffer(stage=Stage.SCHOOL, offer_id="jik-a", caseworker_id=CASEWORKER),
        "stage: stage school is not open for this decision (phase pending",
    ),
    (
        "closing a closed case",
        closed,
        CloseCase(reason=CloseReason.WITHDREW, caseworker_id=CASEWORKER),
        "status: case is closed",
    ),
    (
        "resume when not paused",
        with_proposals,
        ResumeCase(caseworker_id=CASEWORKER),
        "status: case is not paused",
    ),
    (
        "pause when paused",
        paused,
        PauseCase(reason=PauseReason.OTHER, caseworker_id=CASEWORKER),
        "status: case is already paused",
    ),
    (
        "referral while paused",
        paused,
        ConfirmOffer(stage=Stage.LANGUAGE, offer_id="jik-a", caseworker_id=CASEWORKER),
        "status: case is paused",
    ),
    (
        "referral without consent",
        consent_withdrawn,
        ConfirmOffer(stage=Stage.LANGUAGE, offer_id="jik-a", caseworker_id=CASEWORKER),
        "consent_to_share: consent to share data with providers is withdrawn",
    ),
    (
        "own offer for a stage not open",
        with_proposals,
        ChooseOtherOffer(
            stage=Stage.JOB, offer_id="x", provider_id="jobwerk", caseworker_id=CASEWORKER
        ),
        "stage: stage job is not open",
    ),
    (
        "new search while referred",
        referred,
        RequestNewMatch(stage=Stage.LANGUAGE, caseworker_id=CASEWORKER),
        "stage: stage language is not open for this decision (phase referred",
    ),
    (
        "skip a finished stage",
        lambda start: start(language_level="B2", goal={"target_stage": "school"}),
        SkipStage(stage=Stage.LANGUAGE, reason=SkipReason.OTHER, caseworker_id=CASEWORKER),
        "stage: stage language is already met_at_entry",
    ),
    (
        "reorder with a stage already begun",
        with_proposals,
        ReorderStages(
            order=[Stage.JOB, Stage.LANGUAGE, Stage.SCHOOL, Stage.APPRENTICESHIP],
            reason=ReorderReason.OTHER,
            caseworker_id=CASEWORKER,
        ),
        "order: order must list each stage not yet begun exactly once "
        "(school, apprenticeship, job)",
    ),
    (
        "outcome on an unknown referral",
        referred,
        RecordOutcome(
            stage=Stage.LANGUAGE,
            outcome=ReportKind.ENROLLED,
            referral_id="nope",
            caseworker_id=CASEWORKER,
        ),
        "referral_id: referral nope does not exist for stage language",
    ),
    (
        "stage outcome while a referral is open",
        referred,
        RecordOutcome(stage=Stage.LANGUAGE, outcome=ReportKind.COMPLETED, caseworker_id=CASEWORKER),
        "referral_id: stage language has open referral",
    ),
    (
        "attendance without percentage",
        referred,
        RecordOutcome(
            stage=Stage.LANGUAGE, outcome=ReportKind.ATTENDANCE, caseworker_id=CASEWORKER
        ),
        "attendance_percent: attendance needs a percentage",
    ),
    (
        "outcome dated in the future",
        referred,
        RecordOutcome(
            stage=Stage.LANGUAGE,
            outcome=ReportKind.ENROLLED,
            referral_id="p-0f8fad5b-d9cb-469f:ref:1",
            occurred_on=date(2030, 1, 1),
            caseworker_id=CASEWORKER,
        ),
        "occurred_on: 2030-01-01 lies in the future",
    ),
    (
        "same goal again",
        with_proposals,
        ChangeGoal(goal={"target_stage": "apprenticeship"}, caseworker_id=CASEWORKER),
        "goal: goal is already apprenticeship",
    ),
    (
        "profile update that changes nothing",
        with_proposals,
        UpdateProfile(language_level="A1", caseworker_id=CASEWORKER),
        "profile: the update changes no fact",
    ),
    (
        "follow-up without a job",
        with_proposals,
        RecordFollowUp(still_employed=True, caseworker_id=CASEWORKER),
        "stage: stage job is not open",
    ),
    (
        "unknown task",
        with_proposals,
        CompleteTask(task_id="task-0", caseworker_id=CASEWORKER),
        "task_id: task task-0 is unknown or already closed",
    ),
]


@pytest.mark.parametrize(
    ("setup", "decision", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_an_invalid_decision_is_rejected_and_changes_nothing(
    start: Start, setup: Callable[[Start], Driver], decision: Decision, message: str
) -> None:
    driver = setup(start)
    before = driver.chain.to_json()

    with pytest.raises(DecisionRejected) as rejected:
        driver.chain.decide(decision, driver.now)

    assert str(rejected.value).startswith(message)
    assert rejected.value.field == message.split(":")[0]
    assert rejected.value.message_de
    assert driver.chain.to_json() == before


def test_the_validators_alone_never_change_the_state(start: Start) -> None:
    driver = with_proposals(start)
    before = driver.chain.to_json()
    valid = ConfirmOffer(stage=Stage.LANGUAGE, offer_id="jik-b", caseworker_id=CASEWORKER)

    valid.check(driver.chain.state, driver.now)

    assert driver.chain.to_json() == before


def test_a_rejection_carries_german_text_for_the_screen(start: Start) -> None:
    driver = with_proposals(start)

    with pytest.raises(DecisionRejected) as rejected:
        driver.chain.decide(
            ConfirmOffer(stage=Stage.SCHOOL, offer_id="jik-a", caseworker_id=CASEWORKER), driver.now
        )

    assert rejected.value.message_de == (
        "Die Stufe Schulabschluss ist dafür nicht offen (noch nicht begonnen)."
    )


def test_an_offer_that_already_failed_cannot_be_confirmed_again(start: Start) -> None:
    driver = referred(start)
    driver.report(Stage.LANGUAGE, ReportKind.REJECTED)
    before = driver.chain.to_json()

    with pytest.raises(DecisionRejected, match="offer jik-a was already tried"):
        driver.confirm(Stage.LANGUAGE, "jik-a")
    assert driver.chain.to_json() == before


def test_a_follow_up_before_it_is_due_is_rejected(start: Start) -> None:
    driver = start(
        language_level="B1", vocational_qualification="german", goal={"target_stage": "job"}
    )
    driver.propose(Stage.JOB, "job-1")
    driver.confirm(Stage.JOB, "job-1")
    driver.report(Stage.JOB, ReportKind.ENROLLED)
    driver.later(days=30)
    before = driver.chain.to_json()

    with pytest.raises(DecisionRejected, match="follow_up_due_on: the follow-up is due on"):
        driver.chain.decide(
            RecordFollowUp(still_employed=True, caseworker_id=CASEWORKER), driver.now
        )
    assert driver.chain.to_json() == before


def test_every_decision_is_registered_by_its_name_and_has_its_own_effect() -> None:
    from kette_workflows.domain.decisions import DECISION_TYPES

    assert set(DECISION_TYPES.values()) == set(Decision.__subclasses__())
    assert all(name == kind.name for name, kind in DECISION_TYPES.items())
    assert all(kind.apply is not Decision.apply for kind in DECISION_TYPES.values())


def test_an_exception_cannot_be_recorded_twice(start: Start) -> None:
    driver = start()
    decision = RecordEligibilityException(exception="other_justified", caseworker_id=CASEWORKER)
    driver.chain.decide(decision, driver.now)
    before = driver.chain.to_json()

    with pytest.raises(DecisionRejected, match="exception: an eligibility exception is already"):
        driver.chain.decide(decision, driver.now)
    assert driver.chain.to_json() == before


@pytest.mark.parametrize("diagnosis", ["illness", "pregnancy"])
def test_a_pause_cannot_name_a_health_reason_so_none_reaches_the_history(diagnosis: str) -> None:
    with pytest.raises(ValidationError, match="reason"):
        PauseCase.model_validate({"reason": diagnosis, "caseworker_id": CASEWORKER})
