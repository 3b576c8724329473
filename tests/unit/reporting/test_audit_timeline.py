"""One participant's timeline and access log, from records and a workflow history."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import (
    HistoryEvent,
    WorkflowExecutionSignaledEventAttributes,
    WorkflowTaskScheduledEventAttributes,
)

from kette_core.contracts.base import example_for
from kette_core.contracts.chain import ReferralConfirmed
from kette_core.envelope import encode, new_event
from kette_core.ids import new_participant_id
from kette_reporting.audit.chain_history import temporal_entries
from kette_reporting.audit.timeline import (
    ParticipantRecords,
    access_entries,
    actor_in,
    collector,
    kafka_entries,
    merged,
)
from tests.support.audit_records import START, as_audit, dead_letter, history, pii_read

ALICE, BOB = new_participant_id(), new_participant_id()


def found_for(participant: str) -> ParticipantRecords:
    sink = collector(participant)
    for record in history(ALICE, BOB):
        sink(record)
    return sink


def test_audit_timeline_holds_only_the_participants_records_with_reasons() -> None:
    entries = kafka_entries(found_for(BOB))

    assert len(entries) == 4  # three stage starts and one record that is no event
    junk = [entry for entry in entries if "invalid" in entry.detail]
    assert len(junk) == 1
    assert "dead-lettered by bridge" in junk[0].detail  # the dead letter names its offset
    assert all(ALICE not in entry.detail for entry in entries)


def test_audit_timeline_names_who_decided_from_the_event() -> None:
    example = example_for(ReferralConfirmed).model_copy(update={"participant_id": ALICE})
    record = as_audit(encode(new_event(example, source="/t", time=START)), 0, 50)
    sink = collector(ALICE)
    sink(record)

    (entry,) = kafka_entries(sink)
    assert entry.who == f"{example.confirmed_by.role.value}:{example.confirmed_by.actor_id}"


def test_audit_access_lists_who_read_what_and_why() -> None:
    sink = collector(ALICE)
    sink(as_audit(pii_read(ALICE, START + timedelta(hours=2), "cw-late00"), 0, 1))
    sink(as_audit(pii_read(ALICE, START, "cw-early0"), 0, 0))

    entries = access_entries(sink)

    assert [entry.who for entry in entries] == ["caseworker:cw-early0", "caseworker:cw-late00"]
    assert entries[0].what == "case_management"
    assert entries[0].detail == "read name, phone via intake"


def test_audit_access_reports_a_record_that_is_no_valid_read() -> None:
    sink = collector(ALICE)
    broken = as_audit(pii_read(ALICE, START), 0, 3)
    sink(broken.__class__(**{**broken.__dict__, "value": b"{}"}))

    (entry,) = access_entries(sink)
    assert "invalid" in entry.detail and "participant_id" in entry.detail


def test_audit_dead_letters_are_collected_for_everyone() -> None:
    sink = collector(ALICE)
    sink(as_audit(dead_letter(START, "kette.chain.v1", 0, 3), 0, 0))
    assert len(sink.dead_letters) == 1 and not sink.records


def signal(event_id: int, at: datetime, name: str, argument: object) -> HistoryEvent:
    event = HistoryEvent(
        event_id=event_id,
        event_type=EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        workflow_execution_signaled_event_attributes=WorkflowExecutionSignaledEventAttributes(
            signal_name=name,
            input=Payloads(payloads=[Payload(data=json.dumps(argument).encode())]),
        ),
    )
    event.event_time.FromDatetime(at)
    return event


def test_audit_workflow_steps_show_the_signal_its_trigger_and_actor() -> None:
    at = START + timedelta(hours=1)
    actor = {"role": "provider", "actor_id": "prov-x1"}
    argument = {"input_id": "ev-1", "report": {"actor": actor}}
    bookkeeping = HistoryEvent(
        event_id=2,
        event_type=EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        workflow_task_scheduled_event_attributes=WorkflowTaskScheduledEventAttributes(),
    )

    reported = signal(5, at, "provider_reported", argument)
    (step,) = temporal_entries([reported, bookkeeping], "chain-p")

    assert step.time == at
    assert step.what == "signal provider_reported"
    assert step.who == "provider:prov-x1"
    assert "from event ev-1" in step.detail and "#5" in step.detail


def test_audit_merged_timeline_is_in_time_order() -> None:
    events = kafka_entries(found_for(ALICE))
    steps = temporal_entries([signal(9, START + timedelta(days=1), "consent_changed", {})], "c")

    times = [entry.time for entry in merged(events, steps)]
    assert times == sorted(times)
    assert len(times) == len(events) + 1


def test_audit_actor_in_finds_nested_actors_and_nothing_else() -> None:
    assert actor_in([{"a": {"decided_by": {"role": "caseworker", "actor_id": "cw-1x2"}}}]) == (
        "caseworker:cw-1x2"
    )
    assert actor_in([{"caseworker_id": "cw-4b1d2c", "offer_id": "o-1"}]) == "caseworker:cw-4b1d2c"
    assert actor_in({"role": "caseworker"}) == ""
