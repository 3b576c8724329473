"""Applying events: every contract type becomes rows; what we cannot read is kept, not fatal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bench._reporting_cohort import FakeRecord, as_records
from kette_core.contracts.base import example_for
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.registry import PAYLOAD_MODELS
from kette_core.contracts.topics import PROVIDER_REFERRALS_CHANNEL, PROVIDER_REPORTS_CHANNEL
from kette_core.envelope import ReceivedEvent, new_event
from kette_reporting.projection.apply import rows_for
from kette_reporting.projection.projector import prepare

pytestmark = pytest.mark.unit
AT = datetime(2025, 3, 4, 23, 30, tzinfo=UTC)


def received(payload: object, event_id: str = "e-1") -> ReceivedEvent:  # type: ignore[type-arg]
    return ReceivedEvent(event_id, payload.event_type, "/t", AT, None, payload)  # type: ignore[attr-defined]


DOMAIN_MODELS = [
    model
    for model in PAYLOAD_MODELS
    if model.channels[0] not in (PROVIDER_REFERRALS_CHANNEL, PROVIDER_REPORTS_CHANNEL)
]


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m.event_type)
def test_every_domain_event_type_adds_at_least_one_row_keyed_by_its_id(model: type) -> None:
    rows = rows_for(received(example_for(model)))

    assert rows
    assert all(values["ce_id"].startswith("e-1") for _, values in rows)
    assert len({values["ce_id"] for _, values in rows}) == len(rows)


def test_a_registration_keeps_the_profile_at_entry_and_its_business_day() -> None:
    [(table, values)] = rows_for(received(example_for(ParticipantRegistered)))

    assert table == "registration"
    assert values["day"] == date(2024, 3, 4)
    assert (values["kommune"], values["language_level"], values["activity"]) == (
        "Bergkamen",
        "A2",
        "language_course",
    )


def test_an_event_without_a_business_date_is_dated_by_its_time_in_germany() -> None:
    [(_, values)] = rows_for(received(example_for(StageStarted)))

    assert values["day"] == date(2025, 3, 5)  # 23:30 UTC is past midnight in Berlin
    assert values["kind"] == "stage_started"


def test_an_unknown_or_newer_event_type_is_kept_as_unreadable_and_the_offsets_move_on() -> None:
    event = new_event(example_for(StageStarted), source="/t", time=AT)
    [good] = as_records([event])
    newer = FakeRecord(
        good.topic,
        good.partition,
        good.offset + 1,
        good.key,
        good.value,
        [(n, b"kette.chain.stage_started.v2" if n == "ce_type" else v) for n, v in good.headers],
    )

    batch = prepare([good, newer])

    assert batch.events == 1 and batch.unreadable == 1
    [kept] = batch.rows["unreadable"]
    assert kept["ce_type"] == "kette.chain.stage_started.v2"
    assert "unknown event type" in kept["reason"]
    assert batch.offsets == {(good.topic, good.partition): good.offset + 2}
