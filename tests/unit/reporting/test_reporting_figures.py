"""Figures from a small, hand-told history whose right answers are known."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from bench._reporting_cohort import CASEWORKER, as_records
from kette_core.contracts import chain, matching, participants, referrals
from kette_core.contracts.base import EventPayload, example_for
from kette_core.envelope import OutgoingEvent, new_event
from kette_reporting.figures.compute import compute
from kette_reporting.figures.facts import facts_from_rows
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import protect
from kette_reporting.projection.projector import prepare

pytestmark = pytest.mark.unit
A, B, C = (f"p-{n}0000000-0000-4000-8000-000000000000" for n in "abc")


def at(day: date, payload: EventPayload, n: int) -> OutgoingEvent[EventPayload]:
    when = datetime.combine(day, time(10, n), tzinfo=UTC)
    return new_event(payload, source="/t", event_id=f"id-{n:03d}", time=when)


def registered(pid: str, kommune: str, on: date, **changes: Any) -> EventPayload:
    base = example_for(participants.ParticipantRegistered).model_dump()
    changed = {**base, "participant_id": pid, "kommune": kommune, "registered_on": on, **changes}
    return participants.ParticipantRegistered.model_validate(changed)


def history() -> list[OutgoingEvent[EventPayload]]:
    d = date
    ids = {"referral_id": "ref-a", "participant_id": A, "provider_id": "vhs-unna"}
    events = [
        registered(A, "Unna", d(2025, 2, 1), language_level="A2"),
        registered(B, "Unna", d(2025, 3, 1), gender="male"),
        registered(C, "Kamen", d(2024, 11, 1)),
        chain.StageStarted(participant_id=A, stage="language", attempt=1),
        chain.ReferralConfirmed(**ids, request_id="req-a", offer_id="o-1", stage="language",
                                module="F4", response_due=d(2025, 2, 20), confirmed_by=CASEWORKER),
        referrals.ReferralAccepted(**ids, occurred_on=d(2025, 2, 8)),
        referrals.ParticipantEnrolled(**ids, occurred_on=d(2025, 2, 15)),
        referrals.ReferralCompleted(**ids, occurred_on=d(2025, 6, 15), language_level_reached="B1"),
        chain.StageCompleted(participant_id=A, stage="language", completed_on=d(2025, 6, 15),
                             activity_after="apprenticeship"),
        chain.ChainClosed(participant_id=C, reason="moved_away", closed_on=d(2025, 4, 1),
                          activity_at_exit="none"),
        matching.NoOfferFound(participant_id=B, request_id="req-b", stage="school", module="F3",
                              kommune="Unna", gap_reasons=["no_offer_in_kommune"]),
        participants.ParticipantApproached(
            participant_id="p-d0000000-0000-4000-8000-000000000000", ki_id="ki-unna",
            kommune="Unna", approached_on=d(2025, 5, 5), channel="outreach",
            outcome="declined", approached_by=CASEWORKER),
    ]  # fmt: skip
    days = [d(2025, 2, 1), d(2025, 3, 1), d(2024, 11, 1), d(2025, 2, 2), d(2025, 2, 3)]
    days += [d(2025, 2, 8), d(2025, 2, 15), d(2025, 6, 15), d(2025, 6, 15), d(2025, 4, 1)]
    days += [d(2025, 3, 2), d(2025, 5, 5)]
    return [at(day, payload, n) for n, (day, payload) in enumerate(zip(days, events, strict=True))]


def figures(period: str = "2025", kommune: str | None = None) -> Any:
    rows = prepare(as_records(history())).rows
    return compute(facts_from_rows(rows), Period.parse(period), kommune)


def test_entries_exits_and_current_participants_per_kommune() -> None:
    table = figures().table("kommune")

    assert table.value("Unna", "Eintritte") == 2
    assert table.value("Kamen", "Eintritte") == 0
    assert table.value("Kamen", "Austritte") == 1
    assert table.value("Unna", "Teilnehmende am Periodenende") == 2
    assert table.value("Kamen", "Teilnehmende am Periodenende") == 0


def test_a_module_counts_from_the_providers_enrolment_to_its_completion() -> None:
    by_module = figures().table("module")
    first_quarter = figures("2025-Q1").table("module")

    assert by_module.value("F4", "Eintritte") == 1 and by_module.value("F4", "Austritte") == 1
    assert first_quarter.value("F4", "Teilnehmende am Periodenende") == 1
    assert first_quarter.value("F4", "Austritte") == 0


def test_the_german_level_now_is_the_latest_stated_by_the_periods_end() -> None:
    year = figures().table("language_now")
    first_half_of_june = figures("2025-06-01..2025-06-14").table("language_at_entry")

    assert year.value("B1", "Eintritte") == 1  # A's A2 at entry became B1
    assert figures().table("language_at_entry").value("A2", "Eintritte") == 2
    assert first_half_of_june.value("A2", "Eintritte") == 0  # nobody entered then


def test_transition_time_per_stage_provider_answer_and_gaps() -> None:
    result = figures()

    assert result.table("transitions").value("in Ausbildung", "Personen") == 1
    assert result.table("stage_durations").values["Sprache", "Median (Tage)"] == 133.0
    rates = result.table("provider_rates")
    assert rates.values["vhs-unna", "Antwortzeit Median (Tage)"] == 5.0
    assert rates.values["vhs-unna", "Abschlussquote (%)"] == 100.0
    assert result.table("gaps").value("Unna", "F3") == 1
    assert result.table("not_enrolled").value("abgelehnt", "Personen") == 1


def test_a_kommune_filter_keeps_only_its_people() -> None:
    kamen = figures(kommune="Kamen")

    assert kamen.table("kommune").rows == ("Kamen",)
    assert kamen.table("gaps").rows == ()
    assert kamen.kommunen == ("Kamen", "Unna")


def test_every_small_figure_of_the_report_is_hidden_at_the_default_threshold() -> None:
    shown = [protect(table, 5) for table in figures().tables]

    visible = [v for s in shown for v in s.values.values() if isinstance(v, int) and v]
    assert visible == []  # a history of three people has no figure that may leave the KI
