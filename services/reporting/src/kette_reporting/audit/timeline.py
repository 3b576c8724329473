"""One participant's history: their events on every topic and their chain workflow's steps."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from kette_core.contracts.access import PiiRead
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_reporting.audit.canonical import AuditRecord, from_micros
from kette_reporting.audit.reading import read

_STEPS = {
    "workflow_execution_started_event_attributes": "workflow started",
    "workflow_execution_signaled_event_attributes": "signal",
    "workflow_execution_update_accepted_event_attributes": "update",
    "activity_task_scheduled_event_attributes": "activity",
    "workflow_execution_completed_event_attributes": "workflow completed",
    "workflow_execution_failed_event_attributes": "workflow failed",
    "workflow_execution_continued_as_new_event_attributes": "continued as new",
    "workflow_execution_terminated_event_attributes": "workflow terminated",
    "timer_started_event_attributes": "timer",
}
"""History events that are steps of the chain; workflow-task bookkeeping is left out."""


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: when, where from, what happened, who triggered it, details."""

    time: datetime
    source: str
    what: str
    who: str
    detail: str


@dataclass
class ParticipantRecords:
    """A record sink keeping one participant's records and every dead letter."""

    participant: str
    records: list[AuditRecord]
    dead_letters: list[DeadLetterRecorded]

    def __call__(self, record: AuditRecord) -> None:
        """Keep the participant's records and every dead letter."""
        if record.subject == self.participant:
            self.records.append(record)
            return
        reading = read(record)
        if reading.kind == "dead_letter" and reading.event is not None:
            payload = reading.event.payload
            if isinstance(payload, DeadLetterRecorded):
                self.dead_letters.append(payload)


def collector(participant: str) -> ParticipantRecords:
    """An empty sink for one participant."""
    return ParticipantRecords(participant, [], [])


def kafka_entries(found: ParticipantRecords) -> list[Entry]:
    """The participant's records as entries; invalid ones carry their reason or dead letter."""
    rejected = {
        (letter.original_topic, letter.original_partition, letter.original_offset): letter
        for letter in found.dead_letters
    }
    entries = []
    for record in found.records:
        reading = read(record)
        detail = record.where()
        who = ""
        if reading.event is not None:
            who = actor_in(reading.event.payload.model_dump(mode="json"))
        else:
            detail += f" — {reading.kind}: {reading.reason}"
        letter = rejected.get((record.topic, record.partition, record.offset))
        if letter is not None:
            detail += f" — dead-lettered by {letter.consumer_group}: {letter.reason}"
        what = reading.event_type or "(no ce_type)"
        entries.append(Entry(from_micros(record.time), record.topic, what, who, detail))
    return entries


def access_entries(found: ParticipantRecords) -> list[Entry]:
    """Who read the participant's personal data, when and why, from their kette.access.v1 records.

    A record there that is no valid PiiRead is listed with its reason, not skipped.
    """
    entries = []
    for record in found.records:
        reading = read(record)
        if reading.event is None:
            detail = f"{record.where()} — {reading.kind}: {reading.reason}"
            what = reading.event_type or "(no ce_type)"
            entries.append(Entry(from_micros(record.time), record.topic, what, "", detail))
            continue
        payload = reading.event.payload
        if isinstance(payload, PiiRead):
            fields = ", ".join(field.value for field in payload.fields_read)
            who = f"{payload.actor.role.value}:{payload.actor.actor_id}"
            detail = f"read {fields} via {payload.via_service}"
            entries.append(
                Entry(reading.event.time, record.topic, payload.purpose.value, who, detail)
            )
    return sorted(entries, key=lambda entry: entry.time)


def actor_in(data: Any) -> str:
    """The first actor (role and pseudonymous id) an event or input names, as role:id."""
    if isinstance(data, dict):
        if isinstance(data.get("role"), str) and isinstance(data.get("actor_id"), str):
            return f"{data['role']}:{data['actor_id']}"
        for value in data.values():
            found = actor_in(value)
            if found:
                return found
    if isinstance(data, list):
        for value in data:
            found = actor_in(value)
            if found:
                return found
    return ""


def temporal_entries(events: Iterable[HistoryEvent], workflow_id: str) -> list[Entry]:
    """The chain's steps: signals, updates, activities, start and end, with who triggered them."""
    entries = []
    for event in events:
        kind = event.WhichOneof("attributes")
        if kind not in _STEPS:
            continue
        attributes = getattr(event, kind)
        name, inputs = _name_and_inputs(kind, attributes)
        who = actor_in(inputs)
        trigger = _input_id(inputs)
        detail = f"{workflow_id} #{event.event_id} {EventType.Name(event.event_type)}"
        if trigger:
            detail += f" — from event {trigger}"
        what = f"{_STEPS[kind]} {name}".strip()
        when = event.event_time.ToDatetime(tzinfo=UTC)
        entries.append(Entry(when, "temporal", what, who, detail))
    return entries


def _name_and_inputs(kind: str, attributes: Any) -> tuple[str, list[Any]]:
    if kind == "workflow_execution_signaled_event_attributes":
        return attributes.signal_name, _payloads(attributes.input.payloads)
    if kind == "workflow_execution_update_accepted_event_attributes":
        request = attributes.accepted_request.input
        return request.name, _payloads(request.args.payloads)
    if kind == "activity_task_scheduled_event_attributes":
        return attributes.activity_type.name, _payloads(attributes.input.payloads)
    if kind == "workflow_execution_started_event_attributes":
        return attributes.workflow_type.name, _payloads(attributes.input.payloads)
    return "", []


def _payloads(payloads: Iterable[Any]) -> list[Any]:
    """JSON payloads decoded; anything else (binary, encrypted) is skipped, not guessed at."""
    decoded = []
    for payload in payloads:
        try:
            decoded.append(json.loads(payload.data))
        except (UnicodeDecodeError, ValueError):
            continue
    return decoded


def _input_id(inputs: list[Any]) -> str:
    for value in inputs:
        if isinstance(value, dict) and isinstance(value.get("input_id"), str):
            return str(value["input_id"])
    return ""


async def workflow_history(client: Client, workflow_id: str) -> list[HistoryEvent] | None:
    """Every event of all the workflow's runs, first run first; None when it does not exist."""
    try:
        latest = await client.get_workflow_handle(workflow_id).fetch_history()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    started = latest.events[0].workflow_execution_started_event_attributes
    run_id: str | None = started.first_execution_run_id or None
    events: list[HistoryEvent] = []
    seen: set[str] = set()
    while run_id and run_id not in seen:  # follow continue-as-new from the first run
        seen.add(run_id)
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        events.extend(history.events)
        last = history.events[-1]
        after = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
        run_id = after or None
    return events or list(latest.events)


def merged(*parts: Iterable[Entry]) -> list[Entry]:
    """All entries in time order (stable, so each source keeps its own order on ties)."""
    return sorted((entry for part in parts for entry in part), key=lambda entry: entry.time)
