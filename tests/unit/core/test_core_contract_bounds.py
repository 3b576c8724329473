"""Numbers and dates in the contract are bounded: an impossible fact is refused at the door,
with the field named, before any consumer acts on it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from kette_core.contracts.base import example_for
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.referrals import AttendanceReported, ParticipantEnrolled
from kette_core.envelope import InvalidEvent, decode, encode, new_event

pytestmark = pytest.mark.unit


def with_changes(model: type[Any], **changes: Any) -> dict[str, Any]:
    return example_for(model).model_dump(mode="json") | changes


def refused_fields(model: type[Any], data: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(data)
    return {".".join(map(str, e["loc"])) or "(model)" for e in refused.value.errors()}


@pytest.mark.parametrize("hours", [1e308, float("inf"), 2001.0])
def test_attended_hours_beyond_any_course_are_refused(hours: float) -> None:
    data = with_changes(AttendanceReported, attended_hours=hours, planned_hours=2000.0)

    assert refused_fields(AttendanceReported, data) == {"attended_hours"}


def test_more_hours_attended_than_planned_are_refused() -> None:
    data = with_changes(AttendanceReported, attended_hours=61.0, planned_hours=60.0)

    with pytest.raises(ValidationError, match="attended_hours must not exceed planned_hours"):
        AttendanceReported.model_validate(data)


@pytest.mark.parametrize("day", ["1925-05-01", "2225-05-01"])
def test_a_date_a_century_off_is_refused(day: str) -> None:
    data = with_changes(ParticipantEnrolled, occurred_on=day)

    assert refused_fields(ParticipantEnrolled, data) == {"occurred_on"}


def test_a_registration_past_the_27th_birthday_is_refused() -> None:
    data = with_changes(
        ParticipantRegistered, registered_on="2025-03-01", eligibility_ends_on="2025-02-28"
    )

    with pytest.raises(ValidationError, match="eligibility_ends_on lies before registered_on"):
        ParticipantRegistered.model_validate(data)


def test_a_registration_of_someone_younger_than_17_is_refused() -> None:
    data = with_changes(
        ParticipantRegistered, registered_on="2025-03-01", eligibility_ends_on="2036-03-31"
    )

    with pytest.raises(ValidationError, match="more than ten years after registered_on"):
        ParticipantRegistered.model_validate(data)


def test_the_last_month_before_27_and_a_fresh_18_year_old_are_accepted() -> None:
    for ends_on in ("2025-03-31", "2034-02-28"):
        data = with_changes(
            ParticipantRegistered, registered_on="2025-03-01", eligibility_ends_on=ends_on
        )

        assert ParticipantRegistered.model_validate(data).eligibility_ends_on == date.fromisoformat(
            ends_on
        )


def test_an_overflowing_attendance_record_is_invalid_with_the_field_named() -> None:
    record = encode(new_event(example_for(AttendanceReported), source="/test"))
    value = json.loads(record.value) | {"attended_hours": 1e308}
    headers = [(name, text.encode()) for name, text in record.headers.items()]

    with pytest.raises(InvalidEvent) as invalid:
        decode(headers, json.dumps(value).encode())

    assert invalid.value.where == "payload field attended_hours"


def test_a_registration_on_29_february_is_checked_like_any_other_day() -> None:
    data = with_changes(
        ParticipantRegistered, registered_on="2028-02-29", eligibility_ends_on="2037-02-28"
    )

    assert ParticipantRegistered.model_validate(data).registered_on == date(2028, 2, 29)
