"""What a record says, for auditors: its event, or why it is not one; never an exception."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kette_core.contracts.base import EventPayload
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.registry import EVENT_TYPES
from kette_core.envelope import InvalidEvent, ReceivedEvent, decode
from kette_reporting.audit.canonical import AuditRecord

Kind = Literal["event", "dead_letter", "unknown_type", "newer_version", "invalid"]
_VERSIONED = re.compile(r"^(?P<stem>.+)\.v(?P<major>[0-9]+)$")


@dataclass(frozen=True)
class Reading:
    """A record's kind, its CloudEvents type if readable, and a reason when it is no event."""

    kind: Kind
    event_type: str | None
    reason: str | None = None
    event: ReceivedEvent[EventPayload] | None = None


def read(record: AuditRecord) -> Reading:
    """Decode with the contract; unknown, newer and invalid records are named, never raised."""
    event_type = record.header("ce_type")
    try:
        event = decode(
            record.headers,
            record.value,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )
    except InvalidEvent as invalid:
        if invalid.where == "ce_type" and event_type is not None:
            return Reading(_unknown_kind(event_type), event_type, invalid.reason)
        return Reading("invalid", event_type, invalid.reason)
    if isinstance(event.payload, DeadLetterRecorded):
        letter = event.payload
        reason = (
            f"{letter.original_topic}/{letter.original_partition}@{letter.original_offset} "
            f"rejected by {letter.consumer_group}: {letter.reason}"
        )
        return Reading("dead_letter", event.type, reason, event)
    return Reading("event", event.type, None, event)


def _unknown_kind(event_type: str) -> Kind:
    """A type whose older major version we know is newer; anything else is unknown."""
    match = _VERSIONED.match(event_type)
    if match is None:
        return "unknown_type"
    major = int(match["major"])
    for older in range(1, major):
        if f"{match['stem']}.v{older}" in EVENT_TYPES:
            return "newer_version"
    return "unknown_type"
