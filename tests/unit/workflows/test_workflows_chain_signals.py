"""Signals from other systems: residence status, consent, match results and provider reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from workflow_builders import CASEWORKER, Driver, kinds

from kette_core.contracts.chain import IgnoredReason, PlannedStageStatus
from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.decisions import ChooseOtherOffer, RecordOutcome
from kette_workflows.domain.events import (
    CaseHandedOver,
    InputIgnored,
    ReferralWithdrawn,
)
from kette_workflows.domain.inputs import MatchResult, ResidenceStatusChange
from kette_workflows.domain.rejections import DecisionRejected
from kette_workflows.domain.state import Behaviour
from kette_workflows.domain.vocabulary import (
    ChainStatus,
    CloseReason,
    ReferralStatus,
    ReportKind,
    StagePhase,
    TaskKind,
    WithdrawReason,
)

pytestmark = pytest.mark.unit

Start = Callable[..., Driver]


def enrolled_in_language(start: Start) -> Driver:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik-a", "jik-b")
    driver.confirm(Stage.LANGUAGE, "jik-a")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)
    return driver


def test_a_residence_permit_hands_the_case_over_to_the_jobcenter(start: Start) -> None:
    driver = enrolled_in_language(start)
    permit = ResidenceStatusChange(new_status="aufenthaltserlaubnis", permit_basis="para_25a")

    events = driver.chain.residence_status_changed(permit, driver.now)

    assert kinds(events) == ["residence_status_recorded", "referral_withdrawn", "case_handed_over"]
    handed_over = events[-1]
    assert isinstance(handed_over, CaseHandedOver)
    assert handed_over.to == "jobcenter"
    assert driver.chain.status == ChainStatus.HANDED_OVER
    assert driver.chain.state.close_reason == CloseReason.RESIDENCE_PERMIT
    assert driver.chain.armed_timers() == []


def test_an_ordered_removal_closes_the_case(start: Start) -> None:
    driver = enrolled_in_language(start)

    events = driver.chain.residence_status_changed(
        ResidenceStatusChange(new_status="duldung", removal_ordered=True), driver.now
    )

    assert kinds(events)[-1] == "case_closed"
    assert driver.chain.state.close_reason == CloseReason.REMOVAL
    assert driver.chain.status == ChainStatus.CLOSED


def test_an_ausbildungsduldung_keeps_the_case_running_and_replans(start: Start) -> None:
    driver = enrolled_in_language(start)

    events = driver.chain.residence_status_changed(
        ResidenceStatusChange(new_status="ausbildungsduldung", expires_on=date(2028, 8, 31)),
        driver.now,
    )

    assert kinds(events) == ["residence_status_recorded", "plan_changed"]
    assert driver.chain.state.profile.residence_status == "ausbildungsduldung"
    assert driver.chain.state.progress(Stage.LANGUAGE).phase == StagePhase.IN_PROGRESS
    assert driver.referral(Stage.LANGUAGE).status == ReferralStatus.ENROLLED


def test_a_repeated_residence_signal_changes_nothing(start: Start) -> None:
    driver = start(residence_status_expires_on=date(2025, 9, 30))
    same = ResidenceStatusChange(new_status="duldung", expires_on=date(2025, 9, 30))

    assert driver.chain.residence_status_changed(same, driver.now) == []


def test_withdrawn_consent_withdraws_referrals_and_blocks_new_ones(start: Start) -> None:
    driver = enrolled_in_language(start)

    events = driver.chain.consent_withdrawn(driver.now)

    assert kinds(events) == ["consent_withdrawn", "referral_withdrawn", "task_opened"]
    withdrawn = events[1]
    assert isinstance(withdrawn, ReferralWithdrawn)
    assert withdrawn.reason == WithdrawReason.CONSENT_WITHDRAWN
    assert driver.chain.state.referrals[0].status == ReferralStatus.WITHDRAWN
    assert [t.kind for t in driver.chain.open_tasks()] == [TaskKind.CONSENT_WITHDRAWN]
    with pytest.raises(DecisionRejected, match="consent_to_share"):
        driver.confirm(Stage.LANGUAGE, "jik-b")
    with pytest.raises(DecisionRejected, match="consent_to_share"):
        driver.chain.decide(
            ChooseOtherOffer(
                stage=Stage.LANGUAGE, offer_id="own", provider_id="vhs-unna",
                caseworker_id=CASEWORKER,
            ),
            driver.now,
        )  # fmt: skip


def test_without_consent_later_stages_do_not_even_ask_matching(start: Start) -> None:
    driver = enrolled_in_language(start)
    driver.chain.consent_withdrawn(driver.now)

    events = driver.chain.decide(
        RecordOutcome(stage=Stage.LANGUAGE, outcome=ReportKind.COMPLETED, caseworker_id=CASEWORKER),
        driver.now,
    )

    assert "referral_requested" not in kinds(events)
    assert driver.chain.state.progress(Stage.SCHOOL).phase == StagePhase.PENDING


def test_consent_given_again_resumes_referrals(start: Start) -> None:
    driver = enrolled_in_language(start)
    driver.chain.consent_withdrawn(driver.now)

    events = driver.chain.consent_given(driver.now)
    driver.confirm(Stage.LANGUAGE, "jik-b")

    assert kinds(events) == ["consent_given", "task_closed"]
    assert driver.referral(Stage.LANGUAGE).offer_id == "jik-b"
    assert driver.chain.open_tasks() == []


def test_a_duplicated_provider_report_is_recorded_once_and_ignored_after(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")

    first = driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED, report_id="ce-1")
    again = driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED, report_id="ce-1")
    same_fact_new_id = driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED, report_id="ce-2")

    assert kinds(first) == ["outcome_recorded"]
    for ignored in (again, same_fact_new_id):
        assert len(ignored) == 1
        assert isinstance(ignored[0], InputIgnored)
        assert ignored[0].reason == IgnoredReason.DUPLICATE
    assert driver.referral(Stage.LANGUAGE).status == ReferralStatus.ACCEPTED


def test_a_report_for_an_unknown_referral_is_recorded_not_raised(start: Start) -> None:
    driver = start()

    events = driver.report_on("p-someone-else:ref:1", ReportKind.COMPLETED)

    assert isinstance(events[0], InputIgnored)
    assert events[0].reason == IgnoredReason.UNKNOWN_REFERRAL
    assert events[0].reference == "p-someone-else:ref:1"


def test_a_report_on_a_withdrawn_referral_is_ignored(start: Start) -> None:
    driver = enrolled_in_language(start)
    referral_id = driver.referral(Stage.LANGUAGE).referral_id
    driver.chain.consent_withdrawn(driver.now)

    events = driver.report_on(referral_id, ReportKind.COMPLETED)

    assert isinstance(events[0], InputIgnored)
    assert events[0].reason == IgnoredReason.REFERRAL_CLOSED
    assert driver.chain.state.progress(Stage.LANGUAGE).phase == StagePhase.AWAITING_DECISION


def test_a_report_that_does_not_fit_the_referral_is_ignored(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik")
    driver.confirm(Stage.LANGUAGE, "jik")

    events = driver.report(Stage.LANGUAGE, ReportKind.ATTENDANCE, attendance_percent=80)

    assert isinstance(events[0], InputIgnored)
    assert events[0].reason == IgnoredReason.NOT_APPLICABLE


def test_a_stale_match_result_is_ignored(start: Start) -> None:
    driver = start()
    first_request = driver.request_id(Stage.LANGUAGE)
    driver.propose(Stage.LANGUAGE, "jik")

    late = driver.chain.offers_proposed(MatchResult(request_id=first_request), driver.now)
    unknown = driver.chain.offers_proposed(MatchResult(request_id="no-such"), driver.now)

    assert [e.model_dump()["reason"] for e in late + unknown] == [
        IgnoredReason.NOT_APPLICABLE,
        IgnoredReason.UNKNOWN_REQUEST,
    ]
    assert [o.offer_id for o in driver.chain.state.progress(Stage.LANGUAGE).proposals] == ["jik"]


def test_signals_after_closing_change_nothing(start: Start) -> None:
    driver = enrolled_in_language(start)
    driver.chain.residence_status_changed(
        ResidenceStatusChange(new_status="aufenthaltserlaubnis"), driver.now
    )
    untouched = {"timeline", "last_sequence", "handled_report_ids"}
    state_before = driver.chain.state.model_dump(exclude=untouched)

    driver.chain.consent_withdrawn(driver.now)
    driver.chain.residence_status_changed(
        ResidenceStatusChange(new_status="duldung", removal_ordered=True), driver.now
    )
    ignored = driver.report_on("p-0f8fad5b-d9cb-469f:ref:1", ReportKind.COMPLETED)

    assert driver.chain.state.model_dump(exclude=untouched) == state_before
    assert isinstance(ignored[0], InputIgnored)
    assert ignored[0].reason == IgnoredReason.CASE_CLOSED
    assert driver.chain.status == ChainStatus.HANDED_OVER


def test_an_ineligible_new_status_marks_open_stages_not_eligible(start: Start) -> None:
    driver = enrolled_in_language(start)

    driver.chain.residence_status_changed(ResidenceStatusChange(new_status="other"), driver.now)

    plan = driver.chain.plan()
    assert {p.status for p in plan.stages} == {PlannedStageStatus.NOT_ELIGIBLE}
    assert driver.chain.state.referrals[0].status == ReferralStatus.WITHDRAWN


# -- reports follow the referral: its provider, its order --------------------------------------


def referred_to_jik(start: Start) -> Driver:
    driver = start()
    driver.propose(Stage.LANGUAGE, "jik", provider_id="vhs-unna")
    driver.confirm(Stage.LANGUAGE, "jik")
    return driver


def test_a_report_from_another_provider_changes_nothing_and_is_recorded(start: Start) -> None:
    driver = referred_to_jik(start)
    before = driver.chain.state.model_copy(deep=True)

    events = driver.report(Stage.LANGUAGE, ReportKind.ENROLLED, provider_id="awo-kamen")

    assert kinds(events) == ["input_ignored"]
    assert isinstance(events[0], InputIgnored)
    assert events[0].reason == IgnoredReason.WRONG_PROVIDER
    assert driver.chain.state.referrals == before.referrals
    assert driver.chain.state.stages == before.stages
    assert driver.chain.open_tasks() == before.open_tasks(), "an impostor is no caseworker task"


def test_completed_before_enrolled_is_refused_and_the_caseworker_asked(start: Start) -> None:
    driver = referred_to_jik(start)
    driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED)

    events = driver.report(Stage.LANGUAGE, ReportKind.COMPLETED)

    assert kinds(events) == ["input_ignored", "task_opened"]
    assert isinstance(events[0], InputIgnored)
    assert events[0].reason == IgnoredReason.NOT_APPLICABLE
    assert driver.referral(Stage.LANGUAGE).status == ReferralStatus.ACCEPTED
    [task] = [t for t in driver.chain.open_tasks() if t.kind == TaskKind.REPORT_REFUSED]
    assert task.message_de.startswith(
        "Sprache: Der Träger meldet „abgeschlossen“, die Zuweisung ist aber „angenommen“."
    )
    assert driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)[0].kind == "outcome_recorded"


def test_the_caseworker_may_record_a_completion_the_provider_never_started(
    start: Start,
) -> None:
    driver = referred_to_jik(start)
    referral_id = driver.referral(Stage.LANGUAGE).referral_id
    decision = RecordOutcome(
        stage=Stage.LANGUAGE,
        outcome=ReportKind.COMPLETED,
        referral_id=referral_id,
        caseworker_id=CASEWORKER,
    )

    driver.chain.decide(decision, driver.now)

    assert driver.chain.state.progress(Stage.LANGUAGE).phase == StagePhase.COMPLETED


def test_a_chain_recorded_before_the_patch_still_takes_completed_straight_away(
    start: Start,
) -> None:
    driver = referred_to_jik(start)
    driver.chain.state.behaviour = Behaviour(reports_follow_the_referral=False)

    events = driver.report(Stage.LANGUAGE, ReportKind.COMPLETED, provider_id="someone-else")

    assert "stage_completed" in kinds(events)
