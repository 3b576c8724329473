"""REST reports: checked against the referral's state, published once however often sent."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from gateway_component_support import Harness, eventually, report, settle
from sqlmodel import func, select

from kette_core.contracts.referrals import (
    AttendanceReported,
    ParticipantEnrolled,
    ReferralAccepted,
    ReferralRejected,
)
from kette_core.tables import OutboxRecord
from kette_provider_gateway.referrals.tables import ReferralRow
from kette_provider_gateway.reports.service import status_event_id

pytestmark = pytest.mark.component


async def send(
    api: httpx.AsyncClient, harness: Harness, body: dict[str, Any], provider: str = "alpha"
) -> httpx.Response:
    """POST a report with the provider's key."""
    headers = {"Authorization": f"Bearer {harness.keys[provider]}"}
    return await api.post("/api/reports", json=body, headers=headers)


async def outbox_rows(harness: Harness) -> int:
    async with harness.gateway.sessions() as session:
        return (await session.exec(select(func.count()).select_from(OutboxRecord))).one()


async def state_of(harness: Harness, referral_id: str) -> str:
    async with harness.gateway.sessions() as session:
        row = await session.get(ReferralRow, referral_id)
    assert row is not None
    return row.state


async def test_an_accepted_report_reaches_provider_status_once_however_often_sent(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    await harness.refer("ref-1")
    body = report("accepted", "ref-1", "alpha-r-1", starts_on="2027-01-11")

    first = await send(api, harness, body)
    again = await send(api, harness, body)
    await eventually(lambda: len(harness.statuses) == 1, "the status event")
    await settle()

    assert first.status_code == 201, first.text
    assert again.status_code == 200
    assert first.json()["event_id"] == again.json()["event_id"]
    assert again.json()["duplicate"] is True
    [event] = harness.statuses
    assert isinstance(event.payload, ReferralAccepted)
    assert event.id == status_event_id("alpha", "alpha-r-1")
    assert event.payload.provider_id == "alpha"
    assert str(event.payload.starts_on) == "2027-01-11"
    assert await state_of(harness, "ref-1") == "accepted"


async def test_a_report_id_reused_for_other_content_is_refused(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    await harness.refer("ref-1")
    await send(api, harness, report("accepted", "ref-1", "alpha-r-1"))

    answer = await send(api, harness, report("rejected", "ref-1", "alpha-r-1", reason="other"))

    assert answer.status_code == 409
    assert answer.json()["detail"] == [
        {
            "field": "report_id",
            "reason": "reused",
            "message": "this report id was sent before with other content",
        }
    ]


async def test_completed_before_enrolled_is_refused_and_changes_nothing(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    await harness.refer("ref-1")
    rows_before = await outbox_rows(harness)

    answer = await send(api, harness, report("completed", "ref-1", "alpha-r-1"))

    assert answer.status_code == 409
    [problem] = answer.json()["detail"]
    assert (problem["field"], problem["reason"]) == ("type", "not_enrolled")
    assert await outbox_rows(harness) == rows_before
    assert await state_of(harness, "ref-1") == "sent"


async def test_nothing_is_accepted_on_a_withdrawn_referral(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    from kette_core.contracts.chain import ReferralWithdrawn
    from kette_provider_gateway.referrals.service import withdrawn_event_id

    confirmed = await harness.refer("ref-1")
    await harness.publish(
        ReferralWithdrawn(
            participant_id=confirmed.participant_id,
            referral_id="ref-1",
            provider_id="alpha",
            stage="language",
            reason="replanned",
        )
    )
    await eventually(
        lambda: harness.to_providers["alpha"][-1].id == withdrawn_event_id("ref-1"), "withdrawal"
    )

    answer = await send(api, harness, report("accepted", "ref-1", "alpha-r-1"))

    assert answer.status_code == 409
    assert answer.json()["detail"][0]["reason"] == "referral_withdrawn"
    await settle()
    assert harness.statuses == []


async def test_a_whole_course_is_reported_in_order(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    await harness.refer("ref-1")
    bodies = [
        report("enrolled", "ref-1", "r-1", planned_end_on="2027-06-30"),
        report(
            "attendance",
            "ref-1",
            "r-2",
            period_start="2027-01-01",
            period_end="2027-01-31",
            attended_hours=54,
            planned_hours=60,
        ),
        report("exam_result", "ref-1", "r-3", exam="dtz", passed=True, language_level_reached="B1"),
        report("completed", "ref-1", "r-4", language_level_reached="B1"),
        report("exam_result", "ref-1", "r-5", exam="language_certificate", passed=True),
    ]

    answers = [await send(api, harness, body) for body in bodies]

    assert [a.status_code for a in answers] == [201] * 5, [a.text for a in answers]
    assert [a.json()["referral_state"] for a in answers] == [
        "enrolled",
        "enrolled",
        "enrolled",
        "completed",
        "completed",
    ]
    await eventually(lambda: len(harness.statuses) == 5, "five status events")
    assert isinstance(harness.statuses[0].payload, ParticipantEnrolled)
    attendance = harness.statuses[1].payload
    assert isinstance(attendance, AttendanceReported)
    assert attendance.attended_hours == 54


async def test_place_no_longer_available_is_a_rejection_for_lack_of_places(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    await harness.refer("ref-1")
    await send(api, harness, report("accepted", "ref-1", "r-1"))

    answer = await send(api, harness, report("place_unavailable", "ref-1", "r-2"))

    assert answer.status_code == 201
    assert answer.json()["referral_state"] == "rejected"
    await eventually(lambda: len(harness.statuses) == 2, "the rejection")
    rejected = harness.statuses[1].payload
    assert isinstance(rejected, ReferralRejected)
    assert rejected.reason == "no_places"


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (report("dropped_out", "ref-1", "r-1", reason="illness"), "dropped_out.reason", "enum"),
        (report("accepted", "ref-1", "r 1"), "accepted.report_id", "string_pattern_mismatch"),
        (report("enrolled", "ref-1", "r-1", name="Max"), "enrolled.name", "extra_forbidden"),
        ({"type": "teleported", "referral_id": "ref-1"}, "body", "union_tag_invalid"),
    ],
    ids=["reason-off-the-list", "bad-report-id", "personal-field", "unknown-type"],
)
async def test_an_invalid_report_is_refused_naming_field_and_reason(
    api: httpx.AsyncClient, harness: Harness, body: dict[str, Any], field: str, reason: str
) -> None:
    await harness.refer("ref-1")

    answer = await send(api, harness, body)

    assert answer.status_code == 422
    problems = {(p["field"], p["reason"]) for p in answer.json()["detail"]}
    assert (field, reason) in problems
    assert "Max" not in answer.text


async def test_attendance_beyond_the_planned_hours_is_refused_by_the_contract(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    await harness.refer("ref-1")
    await send(api, harness, report("enrolled", "ref-1", "r-1"))

    answer = await send(
        api,
        harness,
        report(
            "attendance",
            "ref-1",
            "r-2",
            period_start="2027-01-01",
            period_end="2027-01-31",
            attended_hours=70,
            planned_hours=60,
        ),
    )

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["reason"] == "invalid"
    assert await state_of(harness, "ref-1") == "enrolled"


async def test_a_body_beyond_the_size_limit_is_refused_unread(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    body = report("accepted", "ref-1", "r-1", padding="x" * 4000)

    answer = await send(api, harness, body)

    assert answer.status_code == 413
    assert answer.json()["detail"][0]["reason"] == "too_large"


async def test_a_provider_beyond_its_rate_limit_is_refused_while_others_go_on(
    api: httpx.AsyncClient, harness: Harness
) -> None:
    await harness.refer("ref-1")
    body = report("accepted", "ref-1", "r-1")
    answers = [await send(api, harness, body) for _ in range(60)]
    for _ in range(30):  # the bucket refills by one a second while these go out
        answers.append(await send(api, harness, body))
        if answers[-1].status_code == 429:
            break

    assert [a.status_code for a in answers[:60]] == [201] + [200] * 59
    assert answers[-1].status_code == 429
    assert answers[-1].json()["detail"][0]["reason"] == "rate_limited"
    other = await send(api, harness, report("accepted", "ref-x", "r-1"), provider="beta")
    assert other.status_code == 404  # beta's bucket is its own; ref-x is simply not beta's


async def test_refusals_are_counted_on_metrics(api: httpx.AsyncClient, harness: Harness) -> None:
    await harness.refer("ref-1")
    await send(api, harness, report("completed", "ref-1", "r-1"))

    metrics = (await api.get("/metrics")).text

    assert 'kette_gateway_refused_total{channel="rest",reason="not_enrolled"} 1.0' in metrics
