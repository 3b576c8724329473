"""A report refused on a provider's reports topic is answered once on its referrals topic."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from gateway_component_support import PARTICIPANT, Harness, settle
from sqlmodel import col, select

from kette_core.contracts import topics
from kette_core.contracts.referrals import (
    AttendanceReported,
    ReferralAccepted,
    ReferralCompleted,
    ReportRefused,
)
from kette_core.envelope import encode, new_event
from kette_core.publishing import EventPublisher
from kette_core.tables import OutboxRecord
from kette_provider_gateway.reports.rejections import rejection_event_id

pytestmark = pytest.mark.component


def completed(referral_id: str, provider_id: str = "alpha") -> ReferralCompleted:
    return ReferralCompleted(
        referral_id=referral_id,
        participant_id=PARTICIPANT,
        provider_id=provider_id,
        occurred_on="2026-12-01",
    )


async def write(
    harness: Harness, payload: ReferralCompleted | ReferralAccepted, ce_id: str
) -> None:
    """As alpha's system writes to its own reports topic."""
    event = new_event(payload, source="/provider/alpha", event_id=ce_id)
    await EventPublisher(harness.broker).publish(event, topics.provider_reports_topic("alpha"))


async def answers(harness: Harness) -> list[OutboxRecord]:
    """The rejections the gateway staged, oldest first."""
    async with harness.gateway.sessions() as session:
        statement = (
            select(OutboxRecord)
            .where(OutboxRecord.ce_type == ReportRefused.event_type)
            .order_by(col(OutboxRecord.id))
        )
        return list((await session.exec(statement)).all())


async def published_answers(harness: Harness, count: int) -> list[OutboxRecord]:
    """Wait (bounded) until `count` answers are staged and relayed, then a second copy's time."""
    for _ in range(200):
        rows = await answers(harness)
        if len(rows) >= count and all(row.sent_at is not None for row in rows):
            await settle()
            return await answers(harness)
        await asyncio.sleep(0.025)
    raise AssertionError(f"gave up waiting for {count} published answer(s)")


async def test_a_report_out_of_state_is_answered_once_on_the_providers_referrals_topic(
    harness: Harness,
) -> None:
    await harness.refer("ref-1")

    await write(harness, completed("ref-1"), "evt-early")
    await write(harness, completed("ref-1"), "evt-early")  # resent
    rows = await published_answers(harness, 1)

    assert harness.statuses == []
    [row] = rows
    assert row.ce_id == rejection_event_id("alpha", "evt-early")
    assert row.topic == topics.provider_referrals_topic("alpha")
    assert row.key is None
    assert json.loads(row.value) == {
        "provider_id": "alpha",
        "report_id": "evt-early",
        "report_type": ReferralCompleted.event_type,
        "referral_id": "ref-1",
        "reason": "not_enrolled",
        "field": "type",
        "message": "report enrolled first; the referral is sent",
    }
    assert PARTICIPANT not in row.value


async def test_a_report_posing_as_another_provider_is_answered_to_its_writer_only(
    harness: Harness,
) -> None:
    await harness.refer("ref-beta", "beta")

    posing = ReferralAccepted(
        referral_id="ref-beta",
        participant_id=PARTICIPANT,
        provider_id="beta",
        occurred_on="2026-12-01",
    )

    await write(harness, posing, "evt-posing")

    [row] = await published_answers(harness, 1)
    assert row.topic == topics.provider_referrals_topic("alpha")
    assert json.loads(row.value)["reason"] == "not_your_topic"
    assert harness.statuses == []


async def test_a_record_that_is_no_valid_report_is_answered_naming_the_field_not_the_value(
    harness: Harness,
) -> None:
    await harness.refer("ref-1")
    attendance = AttendanceReported(
        referral_id="ref-1",
        participant_id=PARTICIPANT,
        provider_id="alpha",
        occurred_on="2026-12-01",
        period_start="2026-11-01",
        period_end="2026-11-30",
        attended_hours=10,
        planned_hours=20,
    )
    event = new_event(attendance, source="/provider/alpha", event_id="evt-broken")
    record = encode(event, topics.provider_reports_topic("alpha"))
    broken = record.value.replace(b'"attended_hours": 10.0', b'"attended_hours": 30.0')
    assert broken != record.value

    await EventPublisher(harness.broker).send_records([replace(record, value=broken)])

    [row] = await published_answers(harness, 1)
    answer = json.loads(row.value)
    assert row.ce_id == rejection_event_id("alpha", "evt-broken")
    assert (answer["reason"], answer["report_type"]) == (
        "invalid_event",
        AttendanceReported.event_type,
    )
    assert "attended_hours" in answer["message"]
    assert "30" not in answer["message"]
    assert harness.statuses == []
