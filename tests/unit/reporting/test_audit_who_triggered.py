"""A timeline names who triggered every step: a person, a provider, or the system that acted."""

from __future__ import annotations

import json
from datetime import timedelta

from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent, WorkflowExecutionSignaledEventAttributes

from kette_core.contracts.base import example_for
from kette_core.contracts.referrals import ReferralAccepted
from kette_core.contracts.topics import PROVIDER_STATUS
from kette_core.envelope import encode, new_event
from kette_core.ids import new_participant_id
from kette_reporting.audit.chain_history import temporal_entries
from kette_reporting.audit.timeline import attributed, collector, kafka_entries
from tests.support.audit_records import START, as_audit, registered, stage_started

ALICE = new_participant_id()


def step(event_id: int, kind: EventType.ValueType, argument: object | None = None) -> HistoryEvent:
    event = HistoryEvent(event_id=event_id, event_type=kind)
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        payloads = Payloads(payloads=[Payload(data=json.dumps(argument).encode())])
        attributes = WorkflowExecutionSignaledEventAttributes(
            signal_name="provider_reported", input=payloads
        )
        event.workflow_execution_signaled_event_attributes.CopyFrom(attributes)
    else:
        event.timer_started_event_attributes.timer_id = "follow-up"
    event.event_time.FromDatetime(START + timedelta(hours=event_id))
    return event


def test_audit_an_event_no_person_decided_names_the_service_that_published_it() -> None:
    sink = collector(ALICE)
    sink(as_audit(stage_started(ALICE, START), 0, 0))

    (entry,) = kafka_entries(sink)
    assert entry.who == "system:/kette/test"
    assert entry.event_id  # its ce_id, for the workflow step it triggers


def test_audit_a_workflow_step_sent_for_a_providers_report_is_triggered_by_the_provider() -> None:
    report = example_for(ReferralAccepted).model_copy(update={"participant_id": ALICE})
    sink = collector(ALICE)
    sink(as_audit(encode(new_event(report, source="/gw", time=START), PROVIDER_STATUS), 0, 7))
    (event,) = kafka_entries(sink)
    signal_type = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    signalled = step(3, signal_type, {"input_id": event.event_id, "report": {}})
    unrelated = step(4, signal_type, {"input_id": "ev-not-in-kafka", "report": {}})
    timer = step(5, EventType.EVENT_TYPE_TIMER_STARTED)

    steps = attributed(temporal_entries([signalled, unrelated, timer], "chain-x"), [event])

    assert event.who == f"provider:{report.provider_id}"
    assert [entry.who for entry in steps] == [event.who, "system:workflow", "system:workflow"]


def test_audit_the_chains_start_is_triggered_by_whoever_registered_the_participant() -> None:
    registration = registered(START)
    assert registration.key is not None
    sink = collector(registration.key)
    sink(as_audit(registration, 0, 0))
    events = kafka_entries(sink)
    started = HistoryEvent(event_id=1, event_type=EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
    started.workflow_execution_started_event_attributes.workflow_type.name = "Integrationskette"
    started.event_time.FromDatetime(START)

    (step,) = attributed(temporal_entries([started], "chain-x"), events)

    assert step.what == "workflow started Integrationskette"
    assert events[0].who.startswith("caseworker:")
    assert step.who == events[0].who
