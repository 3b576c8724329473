"""What a provider reports, as a REST body (`POST /api/reports`) or a Kafka record.

On the reports topic a report is a CloudEvent in binary mode: `ce_id` is your report id,
`ce_type` the event type, the key and `ce_subject` the participant id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """The report types of the gateway's API."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ENROLLED = "enrolled"
    ATTENDANCE = "attendance"
    EXAM_RESULT = "exam_result"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    PLACE_UNAVAILABLE = "place_unavailable"


EVENT_TYPES: dict[Kind, str] = {
    Kind.ACCEPTED: "kette.referral.accepted.v1",
    Kind.REJECTED: "kette.referral.rejected.v1",
    Kind.ENROLLED: "kette.referral.enrolled.v1",
    Kind.ATTENDANCE: "kette.referral.attendance_reported.v1",
    Kind.EXAM_RESULT: "kette.referral.exam_result_reported.v1",
    Kind.COMPLETED: "kette.referral.completed.v1",
    Kind.DROPPED_OUT: "kette.referral.dropped_out.v1",
}
"""The event each report is on the reports topic (place_unavailable is REST only)."""


@dataclass(frozen=True)
class Report:
    """One report on one referral; `fields` are the type's extra fields (see docs/providers.md)."""

    kind: Kind
    report_id: str
    referral_id: str
    occurred_on: date
    fields: dict[str, Any] = field(default_factory=dict)

    def rest_body(self) -> dict[str, Any]:
        """The JSON body of `POST /api/reports`."""
        return {
            "type": self.kind.value,
            "report_id": self.report_id,
            "referral_id": self.referral_id,
            "occurred_on": self.occurred_on.isoformat(),
            **_json_ready(self.fields),
        }


@dataclass(frozen=True)
class KafkaRecord:
    """Topic, key, headers and value, ready for any Kafka producer."""

    topic: str
    key: bytes
    headers: list[tuple[str, bytes]]
    value: bytes


def reports_topic(provider_id: str) -> str:
    """The only topic a provider writes to."""
    return f"provider.{provider_id}.reports.v1"


def kafka_record(
    report: Report, provider_id: str, participant_id: str, now: datetime | None = None
) -> KafkaRecord:
    """The report as a binary-mode CloudEvent on the provider's reports topic."""
    event_type = EVENT_TYPES.get(report.kind)
    if event_type is None:
        raise ValueError(f"{report.kind.value} is reported over REST only")
    when = (now or datetime.now(UTC)).astimezone(UTC)
    headers = {
        "ce_specversion": "1.0",
        "ce_id": report.report_id,
        "ce_source": f"/providers/{provider_id}/kette-provider",
        "ce_type": event_type,
        "ce_time": when.isoformat().replace("+00:00", "Z"),
        "ce_subject": participant_id,
        "content-type": "application/json",
    }
    payload = {
        "referral_id": report.referral_id,
        "participant_id": participant_id,
        "provider_id": provider_id,
        "occurred_on": report.occurred_on.isoformat(),
        **_json_ready(report.fields),
    }
    return KafkaRecord(
        topic=reports_topic(provider_id),
        key=participant_id.encode(),
        headers=[(name, text.encode()) for name, text in headers.items()],
        value=json.dumps(payload).encode(),
    )


def _json_ready(fields: dict[str, Any]) -> dict[str, Any]:
    """Dates as ISO days; None left out (the API treats a missing optional field as unknown)."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in fields.items()
        if value is not None
    }
