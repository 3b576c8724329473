"""Domain events become published contract payloads: all of them, validly, without health data."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from enum import Enum
from typing import get_args

import pytest
from workflow_builders import CASEWORKER, PARTICIPANT, START, Driver, kinds

from kette_core.contracts import EVENT_TYPES, topics
from kette_core.contracts import chain as contract
from kette_core.contracts.base import EventPayload
from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Activity, Goal, LanguageLevel, Module, Stage
from kette_workflows import publication
from kette_workflows.domain.decisions import (
    ChangeGoal,
    ChooseOtherOffer,
    CloseCase,
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
from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.inputs import ResidenceStatusChange
from kette_workflows.domain.profile import EligibilityException
from kette_workflows.domain.vocabulary import (
    CloseReason,
    ReorderReason,
    ReportKind,
    SkipReason,
    TaskKind,
    WithdrawReason,
)
from kette_workflows.publication import INTERNAL_KINDS, PUBLISHED_AS, to_contract

pytestmark = pytest.mark.unit

Start = Callable[..., Driver]

DOMAIN_EVENT_CLASSES = get_args(get_args(ChainEvent)[0])
ALL_KINDS = {cls.model_fields["kind"].default for cls in DOMAIN_EVENT_CLASSES}
NOW = START + timedelta(days=1)


def full_chain(driver: Driver) -> Driver:
    """Language with exam, school, apprenticeship, a job that lasts: closed as sustained work."""
    driver.propose(Stage.LANGUAGE, "lang-1", "lang-2")
    driver.confirm(Stage.LANGUAGE, "lang-1")
    driver.later(days=2)
    driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED)
    driver.later(days=5)
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)
    driver.later(days=30)
    driver.report(Stage.LANGUAGE, ReportKind.ATTENDANCE, attendance_percent=60)
    driver.later(days=90)
    driver.chain.fire_due_timers(driver.now)
    driver.report(Stage.LANGUAGE, ReportKind.EXAM_RESULT, exam_passed=True, exam_level="B2")
    driver.later(days=5)
    driver.report(Stage.LANGUAGE, ReportKind.COMPLETED)
    driver.walk_stage(Stage.SCHOOL, "school-1")
    driver.walk_stage(Stage.APPRENTICESHIP, "appr-1")
    driver.propose(Stage.JOB, "job-1")
    driver.confirm(Stage.JOB, "job-1")
    driver.later(days=3)
    driver.report(Stage.JOB, ReportKind.ENROLLED)
    driver.later(days=200)
    driver.chain.fire_due_timers(driver.now)
    driver.chain.decide(RecordFollowUp(still_employed=True, caseworker_id=CASEWORKER), driver.now)
    return driver


def eventful_chain(driver: Driver) -> Driver:
    """Pauses, re-plans, gaps, consent, silence, duplicates; ends handed over to the Jobcenter."""
    chain = driver.chain
    chain.decide(
        ReorderStages(
            order=[Stage.SCHOOL, Stage.JOB, Stage.APPRENTICESHIP],
            reason=ReorderReason.PARTICIPANT_PREFERENCE,
            caseworker_id=CASEWORKER,
        ),
        driver.now,
    )
    driver.propose(Stage.LANGUAGE)  # nothing: a gap
    chain.decide(RequestNewMatch(stage=Stage.LANGUAGE, caseworker_id=CASEWORKER), driver.now)
    chain.decide(
        ChooseOtherOffer(
            stage=Stage.LANGUAGE,
            offer_id="own-course",
            provider_id="vhs-kamen",
            module=Module.F4,
            caseworker_id=CASEWORKER,
        ),
        driver.later(hours=1),
    )
    driver.later(days=11)
    chain.fire_due_timers(driver.now)  # the provider stays silent
    driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED, report_id="ce-accepted")
    driver.report(Stage.LANGUAGE, ReportKind.ACCEPTED, report_id="ce-accepted")  # duplicate
    chain.decide(
        PauseCase(reason=PauseReason.PERSONAL_CIRCUMSTANCES, caseworker_id=CASEWORKER), driver.now
    )
    chain.decide(ResumeCase(caseworker_id=CASEWORKER), driver.later(days=20))
    chain.decide(UpdateProfile(school_certificate="erster", caseworker_id=CASEWORKER), driver.now)
    chain.decide(
        ChangeGoal(goal=Goal(target_stage=Stage.JOB), caseworker_id=CASEWORKER), driver.now
    )
    chain.decide(
        RecordEligibilityException(
            exception=EligibilityException.LATE_ENTRY_JUSTIFIED, caseworker_id=CASEWORKER
        ),
        driver.now,
    )
    chain.consent_withdrawn(driver.later(days=1))
    chain.consent_given(driver.later(days=1))
    chain.decide(
        SkipStage(
            stage=Stage.LANGUAGE, reason=SkipReason.ACHIEVED_ELSEWHERE, caseworker_id=CASEWORKER
        ),
        driver.now,
    )
    chain.residence_status_changed(
        ResidenceStatusChange(new_status="duldung", expires_on=driver.now.date() + timedelta(300)),
        driver.now,
    )
    chain.residence_status_changed(
        ResidenceStatusChange(new_status="aufenthaltserlaubnis"), driver.later(days=30)
    )
    return driver


def published(driver: Driver) -> list[tuple[ChainEvent, list[EventPayload]]]:
    """Every event of the chain's timeline with what it publishes."""
    return [(event, to_contract(event)) for event in driver.chain.timeline()]


def test_every_domain_event_kind_is_published_or_declared_internal() -> None:
    assert set(PUBLISHED_AS) | set(INTERNAL_KINDS) == ALL_KINDS
    assert set(PUBLISHED_AS) & set(INTERNAL_KINDS) == set()
    assert all(reason.strip() for reason in INTERNAL_KINDS.values())


def test_published_types_are_registered_events_of_the_chain_topic() -> None:
    for payload_types in PUBLISHED_AS.values():
        for payload_type in payload_types:
            assert EVENT_TYPES[payload_type.event_type] is payload_type
            assert payload_type.channels[0] == topics.CHAIN


@pytest.mark.parametrize(
    ("mapping", "domain_codes"),
    [
        (publication._WITHDRAW_REASON, WithdrawReason),
        (publication._OUTCOME, ReportKind),
        (publication._TASK_KIND, TaskKind),
        (publication._CLOSURE_REASON, CloseReason),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_every_domain_code_has_a_contract_code(
    mapping: dict[Enum, Enum], domain_codes: type[Enum]
) -> None:
    assert set(mapping) == set(domain_codes)


def test_real_chains_produce_every_kind_and_each_translates_into_valid_payloads(
    start: Start,
) -> None:
    drivers = [full_chain(start()), eventful_chain(start())]
    closed_by_caseworker = start()
    closed_by_caseworker.chain.decide(
        CloseCase(reason=CloseReason.MOVED_AWAY, caseworker_id=CASEWORKER), NOW
    )
    drivers.append(closed_by_caseworker)

    produced: set[str] = set()
    for driver in drivers:
        for event, payloads in published(driver):
            produced.add(event.kind)
            assert [type(p) for p in payloads] == list(PUBLISHED_AS.get(event.kind, ()))
            for payload in payloads:
                wire = json.loads(payload.model_dump_json())
                assert type(payload).model_validate(wire) == payload
                assert payload.partition_key() == driver.chain.state.participant_id
                assert payload.target_topic() == topics.CHAIN

    assert produced == ALL_KINDS


def test_a_walked_chain_tells_its_story_in_contract_terms(start: Start) -> None:
    driver = full_chain(start())

    types = [p.event_type.removeprefix("kette.chain.") for _, ps in published(driver) for p in ps]

    assert types[:3] == ["started.v1", "stage_started.v1", "referral_requested.v1"]
    assert "offers_received.v1" in types
    assert "job_started.v1" in types
    ending = [t for t in types if t != "task_closed.v1"][-4:]
    assert ending == [
        "follow_up_recorded.v1",
        "stage_completed.v1",
        "closed.v1",
        "sharing_stopped.v1",
    ]
    closed = next(
        p for _, ps in published(driver) for p in ps if isinstance(p, contract.ChainClosed)
    )
    assert closed.reason == contract.ClosureReason.SUSTAINED_WORK
    assert closed.last_stage == Stage.JOB
    assert closed.activity_at_exit == Activity.WORK
    assert closed.closed_on == driver.now.date()


def test_the_plan_is_published_with_codes_and_without_german_text(start: Start) -> None:
    driver = start(current_activity="apprenticeship", language_level="A2")

    [started] = to_contract(driver.chain.timeline()[0])

    assert isinstance(started, contract.ChainStarted)
    assert started.participant_id == PARTICIPANT
    assert started.activity_at_entry == Activity.APPRENTICESHIP
    assert started.goal_stage == Stage.APPRENTICESHIP
    by_stage = {planned.stage: planned for planned in started.plan}
    apprenticeship = by_stage[Stage.APPRENTICESHIP]
    assert apprenticeship.status == contract.PlannedStageStatus.MET_AT_ENTRY
    assert apprenticeship.reason == contract.PlanReason.ALREADY_IN_APPRENTICESHIP
    assert apprenticeship.ongoing_at_entry is True
    assert by_stage[Stage.LANGUAGE].target_language_level == LanguageLevel.B2
    assert by_stage[Stage.LANGUAGE].modules == (Module.F2, Module.F1)
    assert "_de" not in started.model_dump_json()


def test_a_referral_request_searches_by_the_main_module_and_names_the_rest(start: Start) -> None:
    driver = start(constraints={"childcare_needed": True, "employment_ban": False})

    [request] = to_contract(driver.chain.timeline()[2])

    assert isinstance(request, contract.ReferralRequested)
    assert request.module == Module.F4
    assert request.accompanying_modules == (Module.F1,)
    assert request.current_language_level == LanguageLevel.A1
    assert request.constraints.childcare_needed is True
    assert request.kommune == "Unna"
    assert request.attempt == 1


def test_a_confirmed_referral_carries_request_module_and_the_deciding_caseworker(
    start: Start,
) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "lang-1")

    [confirmed] = to_contract(driver.confirm(Stage.LANGUAGE, "lang-1")[-1])

    assert isinstance(confirmed, contract.ReferralConfirmed)
    assert confirmed.request_id == driver.request_id(Stage.LANGUAGE)
    assert confirmed.module == Module.F4
    assert confirmed.offer_choice == contract.OfferChoice.PROPOSED
    assert confirmed.confirmed_by.actor_id == CASEWORKER
    assert confirmed.response_due == (driver.now + timedelta(days=10)).date()


@pytest.mark.parametrize("reason", list(PauseReason))
def test_pause_reasons_carry_no_health_detail_to_kafka(start: Start, reason: PauseReason) -> None:
    driver = start()

    [paused] = driver.chain.decide(PauseCase(reason=reason, caseworker_id=CASEWORKER), NOW)
    [payload] = to_contract(paused)

    assert isinstance(payload, contract.ChainPaused)
    assert payload.reason == reason
    assert payload.paused_on == NOW.date()
    assert "illness" not in payload.model_dump_json()
    assert "pregnancy" not in payload.model_dump_json()


def test_nothing_published_by_an_eventful_chain_names_illness_or_pregnancy(start: Start) -> None:
    driver = eventful_chain(start())

    wire = [p.model_dump_json() for _, ps in published(driver) for p in ps]

    assert any('"personal_circumstances"' in text for text in wire)
    assert not any("illness" in text or "pregnancy" in text for text in wire)


def test_a_failed_exam_is_published_as_failed_without_a_level_reached(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "lang-1")
    driver.confirm(Stage.LANGUAGE, "lang-1")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)

    [recorded] = driver.report(
        Stage.LANGUAGE, ReportKind.EXAM_RESULT, exam_passed=False, exam_level="B1"
    )
    [payload] = to_contract(recorded)

    assert isinstance(payload, contract.OutcomeRecorded)
    assert payload.outcome == contract.Outcome.FAILED
    assert payload.language_level_reached is None
    assert payload.source == contract.OutcomeSource.PROVIDER
    assert payload.recorded_by is None


def test_an_outcome_the_caseworker_recorded_names_her_and_the_day_it_happened(
    start: Start,
) -> None:
    driver = start()
    driver.later(days=3)
    occurred_on = driver.now.date() - timedelta(days=2)

    events = driver.chain.decide(
        RecordOutcome(
            stage=Stage.LANGUAGE,
            outcome=ReportKind.ENROLLED,
            occurred_on=occurred_on,
            caseworker_id=CASEWORKER,
        ),
        driver.now,
    )
    [payload] = to_contract(events[0])

    assert isinstance(payload, contract.OutcomeRecorded)
    assert payload.outcome == contract.Outcome.ENROLLED
    assert payload.occurred_on == occurred_on
    assert payload.recorded_on == driver.now.date()
    assert payload.recorded_by is not None and payload.recorded_by.actor_id == CASEWORKER


def test_closing_withdraws_referrals_then_stops_sharing_with_their_ids(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "lang-1")
    driver.confirm(Stage.LANGUAGE, "lang-1")
    referral_id = driver.referral(Stage.LANGUAGE).referral_id

    events = driver.chain.decide(
        CloseCase(reason=CloseReason.WITHDREW, caseworker_id=CASEWORKER), NOW
    )
    payloads = [p for event in events for p in to_contract(event)]

    withdrawn = next(p for p in payloads if isinstance(p, contract.ReferralWithdrawn))
    assert withdrawn.reason == contract.ReferralWithdrawalReason.CHAIN_CLOSED
    closed, stopped = payloads[-2:]
    assert isinstance(closed, contract.ChainClosed)
    assert closed.reason == contract.ClosureReason.WITHDREW
    assert closed.last_stage == Stage.LANGUAGE
    assert closed.activity_at_exit == Activity.NONE
    assert closed.closed_by is not None and closed.closed_by.actor_id == CASEWORKER
    assert isinstance(stopped, contract.SharingStopped)
    assert stopped.reason == contract.SharingStopReason.CHAIN_CLOSED
    assert stopped.withdrawn_referral_ids == (referral_id,)


def test_a_residence_permit_is_published_as_a_hand_over_to_the_jobcenter(start: Start) -> None:
    driver = start()

    events = driver.chain.residence_status_changed(
        ResidenceStatusChange(new_status="aufenthaltserlaubnis"), NOW
    )
    payloads = [p for event in events for p in to_contract(event)]

    assert kinds(events)[0] == "residence_status_recorded"
    assert to_contract(events[0]) == []
    closed = next(p for p in payloads if isinstance(p, contract.ChainClosed))
    assert closed.reason == contract.ClosureReason.HANDED_TO_JOBCENTER
    assert closed.closed_by is None


def test_withdrawing_consent_stops_sharing_and_names_the_withdrawn_referrals(
    start: Start,
) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "lang-1")
    driver.confirm(Stage.LANGUAGE, "lang-1")
    referral_id = driver.referral(Stage.LANGUAGE).referral_id

    events = driver.chain.consent_withdrawn(NOW)
    [stopped] = to_contract(events[0])
    [resumed] = to_contract(driver.chain.consent_given(NOW)[0])

    assert isinstance(stopped, contract.SharingStopped)
    assert stopped.reason == contract.SharingStopReason.CONSENT_WITHDRAWN
    assert stopped.withdrawn_referral_ids == (referral_id,)
    assert isinstance(resumed, contract.SharingResumed)


def test_reordering_publishes_the_whole_plan_in_its_new_order(start: Start) -> None:
    driver = start()

    [reordered] = driver.chain.decide(
        ReorderStages(
            order=[Stage.SCHOOL, Stage.JOB, Stage.APPRENTICESHIP],
            reason=ReorderReason.OFFER_AVAILABILITY,
            caseworker_id=CASEWORKER,
        ),
        NOW,
    )
    [payload] = to_contract(reordered)

    assert isinstance(payload, contract.ChainReplanned)
    assert payload.reason == contract.ReplanReason.STAGES_REORDERED
    assert [s.stage for s in payload.plan] == [
        Stage.LANGUAGE,
        Stage.SCHOOL,
        Stage.JOB,
        Stage.APPRENTICESHIP,
    ]
    assert payload.decided_by is not None and payload.decided_by.actor_id == CASEWORKER


def test_a_stage_without_module_is_arranged_by_the_caseworker_not_searched(
    start: Start,
) -> None:
    driver = start(language_level="B2", school_certificate="foreign_unrecognised")
    school = driver.chain.state.progress(Stage.SCHOOL)
    assert school.planned.target == "recognition"

    events = driver.chain.timeline()
    payloads = [p for event in events for p in to_contract(event)]

    assert not any(isinstance(p, contract.ReferralRequested) for p in payloads)
    task = next(p for p in payloads if isinstance(p, contract.TaskOpened))
    assert task.kind == contract.TaskKind.DECISION_NEEDED
    assert task.stage == Stage.SCHOOL

    [confirmed] = [
        p
        for event in driver.chain.decide(
            ChooseOtherOffer(
                stage=Stage.SCHOOL,
                offer_id="iq-anerkennung",
                provider_id="iq-netzwerk",
                module=Module.F1,
                caseworker_id=CASEWORKER,
            ),
            NOW,
        )
        for p in to_contract(event)
        if isinstance(p, contract.ReferralConfirmed)
    ]
    assert confirmed.module == Module.F1
    assert confirmed.offer_choice == contract.OfferChoice.CASEWORKER_FOUND
    assert confirmed.request_id.endswith(":match:1")


def test_translation_is_pure(start: Start) -> None:
    driver = full_chain(start())

    for event in driver.chain.timeline():
        before = event.model_dump_json()
        assert to_contract(event) == to_contract(event)
        assert event.model_dump_json() == before


def test_a_completion_with_a_level_publishes_the_level_reached(start: Start) -> None:
    driver = start()
    driver.propose(Stage.LANGUAGE, "lang-1")
    driver.confirm(Stage.LANGUAGE, "lang-1")
    driver.report(Stage.LANGUAGE, ReportKind.ENROLLED)

    events = driver.report(Stage.LANGUAGE, ReportKind.COMPLETED, exam_level="B1")
    [payload] = to_contract(events[0])

    assert isinstance(payload, contract.OutcomeRecorded)
    assert payload.outcome == contract.Outcome.COMPLETED
    assert payload.language_level_reached == LanguageLevel.B1
