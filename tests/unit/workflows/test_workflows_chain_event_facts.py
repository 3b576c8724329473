"""Facts the chain's events carry so they can be published on their own: modules, ids, exit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from workflow_builders import CASEWORKER, Driver, kinds

from kette_core.contracts.chain import IgnoredReason, PlanReason
from kette_core.contracts.vocabulary import Activity, Module, Stage
from kette_workflows.domain.decisions import (
    ChooseOtherOffer,
    CloseCase,
    RecordOutcome,
    RequestNewMatch,
)
from kette_workflows.domain.events import (
    CaseClosed,
    ConsentWithdrawn,
    InputIgnored,
    ReferralConfirmed,
    ReferralRequested,
    StageCompleted,
    StageOpened,
)
from kette_workflows.domain.rejections import DecisionRejected
from kette_workflows.domain.vocabulary import (
    CloseReason,
    ReportKind,
    StagePhase,
    TaskKind,
)

pytestmark = pytest.mark.unit

Start = Callable[..., Driver]


def recognition(start: Start) -> Driver:
    """B2 and a foreign certificate: the open school stage is a recognition without module."""
    return start(language_level="B2", school_certificate="foreign_unrecognised")


def test_plans_carry_a_reason_code_for_every_stage(start: Start) -> None:
    driver = start(vocational_qualification="foreign", goal={"target_stage": "job"})

    reasons = {p.stage: p.planned.reason for p in driver.chain.state.stages}

    assert reasons == {
        Stage.LANGUAGE: PlanReason.NEEDED_FOR_GOAL,
        Stage.SCHOOL: PlanReason.VOCATIONAL_QUALIFICATION_HELD,
        Stage.APPRENTICESHIP: PlanReason.VOCATIONAL_QUALIFICATION_HELD,
        Stage.JOB: PlanReason.NEEDED_FOR_GOAL,
    }


def test_a_stage_without_module_asks_the_caseworker_instead_of_matching(start: Start) -> None:
    driver = recognition(start)

    school = driver.chain.state.progress(Stage.SCHOOL)

    assert school.planned.modules == []
    assert school.phase == StagePhase.AWAITING_DECISION
    assert not any(isinstance(e, ReferralRequested) for e in driver.chain.timeline())
    assert [t.kind for t in driver.chain.open_tasks()] == [TaskKind.ARRANGE_STAGE]


def test_a_stage_without_module_cannot_be_searched_for(start: Start) -> None:
    driver = recognition(start)

    with pytest.raises(DecisionRejected, match="no module to search offers for"):
        driver.chain.decide(
            RequestNewMatch(stage=Stage.SCHOOL, caseworker_id=CASEWORKER), driver.now
        )


def test_an_own_offer_for_a_stage_without_module_must_name_its_module(start: Start) -> None:
    driver = recognition(start)
    decision = ChooseOtherOffer(
        stage=Stage.SCHOOL,
        offer_id="iq-anerkennung",
        provider_id="iq-nrw",
        caseworker_id=CASEWORKER,
    )

    with pytest.raises(DecisionRejected, match="plans no module"):
        driver.chain.decide(decision, driver.now)

    events = driver.chain.decide(decision.model_copy(update={"module": Module.F1}), driver.now)
    confirmed = events[-1]
    assert isinstance(confirmed, ReferralConfirmed)
    assert confirmed.module == Module.F1
    assert confirmed.request_id == f"{driver.chain.state.participant_id}:match:1"
    assert TaskKind.ARRANGE_STAGE not in [t.kind for t in driver.chain.open_tasks()]


def test_a_referral_names_the_request_and_the_stage_module(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik-a")

    confirmed = driver.confirm(Stage.LANGUAGE, "jik-a")[-1]

    assert isinstance(confirmed, ReferralConfirmed)
    assert confirmed.request_id == driver.request_id(Stage.LANGUAGE)
    assert confirmed.module == Module.F4


def test_the_first_opening_of_a_stage_is_its_first_attempt(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik-a")
    driver.confirm(Stage.LANGUAGE, "jik-a")

    opened = [e for e in driver.chain.timeline() if isinstance(e, StageOpened)]

    assert opened[0].attempt == 1


@pytest.mark.parametrize(
    ("details", "kind"),
    [({}, ReportKind.ATTENDANCE), ({"exam_level": "B1"}, ReportKind.EXAM_RESULT)],
)
def test_a_provider_report_missing_its_figure_is_ignored_as_incomplete(
    start: Start, details: dict[str, str], kind: ReportKind
) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik-a")
    driver.confirm(Stage.LANGUAGE, "jik-a")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)

    events = driver.report(Stage.LANGUAGE, kind, **details)

    assert kinds(events) == ["input_ignored"]
    assert isinstance(events[0], InputIgnored)
    assert events[0].reason == IgnoredReason.INCOMPLETE


def test_consent_withdrawal_names_the_referrals_it_withdraws(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik-a")
    driver.confirm(Stage.LANGUAGE, "jik-a")
    referral_id = driver.referral(Stage.LANGUAGE).referral_id

    withdrawn = driver.chain.consent_withdrawn(driver.now)[0]

    assert isinstance(withdrawn, ConsentWithdrawn)
    assert withdrawn.withdrawn_referral_ids == [referral_id]


def test_closing_records_the_last_stage_and_what_the_person_does(start: Start) -> None:
    driver = start(language_level="A2", current_activity="apprenticeship")
    driver.propose(Stage.LANGUAGE, "f2-a")
    driver.confirm(Stage.LANGUAGE, "f2-a")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)

    closed = driver.chain.decide(
        CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER), driver.now
    )[-1]

    assert isinstance(closed, CaseClosed)
    assert closed.last_stage == Stage.APPRENTICESHIP
    assert closed.activity_at_exit == Activity.APPRENTICESHIP
    assert closed.withdrawn_referral_ids == [driver.chain.state.referrals[0].referral_id]


def test_an_apprenticeship_running_at_entry_leads_to_no_known_activity_when_finished(
    start: Start,
) -> None:
    driver = start(language_level="B2", current_activity="apprenticeship")

    events = driver.chain.decide(
        RecordOutcome(
            stage=Stage.APPRENTICESHIP, outcome=ReportKind.COMPLETED, caseworker_id=CASEWORKER
        ),
        driver.now,
    )
    completed = next(e for e in events if isinstance(e, StageCompleted))

    assert completed.activity_after is None
    assert completed.completed_on == driver.now.date()


def test_a_won_training_contract_completes_the_stage_into_an_apprenticeship(start: Start) -> None:
    driver = start(language_level="B2", school_certificate="erster")
    driver.propose(Stage.APPRENTICESHIP, "eq-1")
    driver.confirm(Stage.APPRENTICESHIP, "eq-1")
    driver.report(Stage.APPRENTICESHIP, ReportKind.ENROLLED)
    reported_on = driver.now.date()
    driver.later(days=30)

    events = driver.report(Stage.APPRENTICESHIP, ReportKind.COMPLETED, reported_on=reported_on)
    completed = next(e for e in events if isinstance(e, StageCompleted))

    assert completed.activity_after == Activity.APPRENTICESHIP
    assert completed.completed_on == reported_on
