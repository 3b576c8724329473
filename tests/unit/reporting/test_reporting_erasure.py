"""An erased participant's personal data is gone, but they still count and their history reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bench._reporting_cohort import CASEWORKER, as_records
from kette_core.contracts.base import EventPayload, example_for
from kette_core.contracts.participants import (
    ErasureGround,
    ParticipantErased,
    ParticipantRegistered,
)
from kette_core.contracts.topics import PARTICIPANTS
from kette_core.envelope import OutgoingEvent, encode, new_event
from kette_core.ids import new_participant_id
from kette_reporting.audit.timeline import collector, kafka_entries
from kette_reporting.figures.compute import compute
from kette_reporting.figures.facts import facts_from_rows
from kette_reporting.figures.period import Period
from kette_reporting.projection.projector import prepare
from tests.support.audit_records import as_audit

KEPT, ERASED = new_participant_id(), new_participant_id()


def on(day: date, payload: EventPayload) -> OutgoingEvent[EventPayload]:
    return new_event(payload, source="/kette/intake", time=datetime.combine(day, time(9), UTC))


def registered(pid: str) -> EventPayload:
    example = example_for(ParticipantRegistered)
    return example.model_copy(update={"participant_id": pid, "kommune": "Unna",
                                      "registered_on": date(2025, 2, 1)})  # fmt: skip


ERASURE = ParticipantErased(
    participant_id=ERASED,
    erased_on=date(2025, 5, 2),
    ground=ErasureGround.DATA_SUBJECT_REQUEST,
    erased_by=CASEWORKER,
)
HISTORY = [
    on(date(2025, 2, 1), registered(KEPT)),
    on(date(2025, 2, 1), registered(ERASED)),
    on(date(2025, 5, 2), ERASURE),
]


def test_reporting_an_erased_participant_is_still_counted_as_an_entry() -> None:
    rows = prepare(as_records(HISTORY)).rows
    figures = compute(facts_from_rows(rows), Period.parse("2025"), None)

    assert figures.table("kommune").value("Unna", "Eintritte") == 2
    assert figures.table("funnel").value("Aufgenommen", figures.table("funnel").cols[0]) == 2


def test_audit_an_erased_participants_timeline_names_the_erasure_and_who_did_it() -> None:
    sink = collector(ERASED)
    for offset, event in enumerate(HISTORY):
        sink(as_audit(encode(event, PARTICIPANTS), 0, offset))

    entries = kafka_entries(sink)

    assert [entry.what for entry in entries] == [
        "kette.participant.registered.v1",
        "kette.participant.erased.v1",
    ]
    assert entries[1].who == f"caseworker:{CASEWORKER.actor_id}"
    assert all(KEPT not in entry.detail for entry in entries)
