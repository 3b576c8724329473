"""One participant's history on every topic, and the reads of their personal data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kette_core.contracts.access import PiiRead
from kette_core.contracts.base import EventPayload
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.referrals import ProviderReport
from kette_reporting.audit.canonical import AuditRecord, from_micros
from kette_reporting.audit.reading import read


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: when, where from, what happened, who triggered it, details.

    `event_id` is a Kafka event's ce_id; `trigger` the ce_id of the event a workflow step
    was sent for (the bridge's `input_id`), so the step inherits who triggered that event.
    """

    time: datetime
    source: str
    what: str
    who: str
    detail: str
    event_id: str = ""
    trigger: str = ""


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
        who, event_id = "", ""
        if reading.event is not None:
            event_id = reading.event.id
            who = _who(reading.event.payload) or _system(record)
        else:
            detail += f" — {reading.kind}: {reading.reason}"
        letter = rejected.get((record.topic, record.partition, record.offset))
        if letter is not None:
            detail += f" — dead-lettered by {letter.consumer_group}: {letter.reason}"
        what = reading.event_type or "(no ce_type)"
        entries.append(Entry(from_micros(record.time), record.topic, what, who, detail, event_id))
    return entries


def _who(payload: EventPayload) -> str:
    """The person or provider behind an event: its actor; a provider's report, the provider."""
    if isinstance(payload, ProviderReport):
        return f"provider:{payload.provider_id}"
    return actor_in(payload.model_dump(mode="json"))


def _system(record: AuditRecord) -> str:
    """An event no person decided: the service that published it (its ce_source)."""
    return f"system:{record.header('ce_source') or record.topic}"


def attributed(steps: Iterable[Entry], events: Iterable[Entry]) -> list[Entry]:
    """Workflow steps with who triggered them: their own actor, else the actor of the event
    they were sent for; the chain's start, who registered the participant (the bridge starts
    it on the registration); else the workflow itself (timers, its own activities)."""
    events = list(events)
    who_of = {entry.event_id: entry.who for entry in events if entry.event_id}
    registered_by = next(
        (entry.who for entry in events if entry.what == ParticipantRegistered.event_type), ""
    )

    def who(step: Entry) -> str:
        if step.what.startswith("workflow started") and not step.trigger:
            return registered_by or "system:workflow"
        return who_of.get(step.trigger) or "system:workflow"

    return [step if step.who else replace(step, who=who(step)) for step in steps]


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
    """The first actor an event or input names, as role:id.

    Events name an `Actor` (role and pseudonymous id); a caseworker's decision, sent to the
    chain as a Temporal Update, names its `caseworker_id`.
    """
    if isinstance(data, dict):
        if isinstance(data.get("role"), str) and isinstance(data.get("actor_id"), str):
            return f"{data['role']}:{data['actor_id']}"
        if isinstance(data.get("caseworker_id"), str):
            return f"caseworker:{data['caseworker_id']}"
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


def merged(*parts: Iterable[Entry]) -> list[Entry]:
    """All entries in time order (stable, so each source keeps its own order on ties)."""
    return sorted((entry for part in parts for entry in part), key=lambda entry: entry.time)
