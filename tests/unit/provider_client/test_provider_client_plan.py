"""kette-provider's automatic answers fit the gateway's rules, and its wire formats are the
contract's: read by the gateway's own models and Kette's own decoder."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter

from kette_core.contracts.referrals import ProviderReport, ReferralIssued
from kette_core.envelope import decode, encode, new_event
from kette_provider.auto import Autopilot, AutoRules, level_reached, plan
from kette_provider.cli import report_from_options
from kette_provider.events import Referral, UnreadableEvent, from_kafka, from_webhook
from kette_provider.reports import Kind, Report, kafka_record
from kette_provider_gateway.referrals.states import (
    ReferralState,
    ReportKind,
    conflict,
    state_after,
)
from kette_provider_gateway.reports.models import Report as GatewayReport
from kette_provider_gateway.webhooks.signing import structured

pytestmark = pytest.mark.unit

DAY = date(2026, 12, 1)
PARTICIPANT = "p-0f8fad5b-d9cb-469f-a165-70867728950e"
REST_BODY: TypeAdapter[Any] = TypeAdapter(GatewayReport)


def issued(stage: str = "language", level: str = "A2", n: int = 1) -> ReferralIssued:
    return ReferralIssued.model_validate(
        {
            "referral_id": f"{PARTICIPANT}:ref:{n}",
            "participant_id": PARTICIPANT,
            "provider_id": "vhs-unna",
            "offer_id": "vhs-unna.deutsch-b1",
            "module": "F4",
            "stage": stage,
            "language_level": level,
            "childcare_needed": False,
            "response_due": "2026-12-14",
            "contact_details_available": True,
        }
    )


def referral(stage: str = "language", level: str = "A2", n: int = 1) -> Referral:
    return Referral.model_validate(issued(stage, level, n).model_dump(mode="json"))


def kinds(reports: list[Report]) -> list[str]:
    return [r.kind.value for r in reports]


def test_a_language_course_is_accepted_attended_examined_and_completed_at_b1() -> None:
    reports = plan(referral("language", "A2"), DAY, AutoRules(drop_out_rate=0))
    assert kinds(reports) == ["accepted", "enrolled", "attendance", "exam_result", "completed"]
    exam = reports[3].fields
    assert (exam["exam"], exam["passed"], exam["language_level_reached"]) == ("dtz", True, "B1")
    assert reports[4].fields["language_level_reached"] == "B1"


@pytest.mark.parametrize(
    ("current", "reached"), [("none", "B1"), ("A2", "B1"), ("B1", "B2"), ("C1", "C1")]
)
def test_a_course_ends_at_b1_or_one_level_above_the_current_one(current: str, reached: str) -> None:
    assert level_reached(current) == reached


def test_a_job_starts_backdated_by_the_months_asked_for() -> None:
    reports = plan(referral("job"), DAY, AutoRules(drop_out_rate=1.0, job_started_months_ago=6))
    assert kinds(reports) == ["accepted", "enrolled"]
    assert reports[1].occurred_on == date(2026, 5, 31)


def test_drop_outs_follow_the_rate_and_are_the_same_on_every_run() -> None:
    always = plan(referral("school"), DAY, AutoRules(drop_out_rate=1.0))
    assert kinds(always) == ["accepted", "enrolled", "attendance", "dropped_out"]
    assert kinds(plan(referral("school"), DAY, AutoRules(drop_out_rate=0))) == [
        "accepted",
        "enrolled",
        "attendance",
        "exam_result",
        "completed",
    ]
    rules = AutoRules(drop_out_rate=0.5)
    runs = [[plan(referral("apprenticeship", n=n), DAY, rules) for n in range(40)] for _ in "ab"]
    assert runs[0] == runs[1]
    dropped = sum(kinds(p)[-1] == "dropped_out" for p in runs[0])
    assert 5 < dropped < 35


@pytest.mark.parametrize("stage", ["language", "school", "apprenticeship", "job"])
@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_every_plan_fits_the_gateways_state_machine_step_by_step(stage: str, rate: float) -> None:
    state = ReferralState.SENT
    for report in plan(referral(stage), DAY, AutoRules(drop_out_rate=rate)):
        kind = ReportKind(report.kind.value)
        assert conflict(kind, state) is None, (report.kind, state)
        state = state_after(kind, state)
    assert state in {ReferralState.ENROLLED, ReferralState.COMPLETED, ReferralState.DROPPED_OUT}


@pytest.mark.parametrize("stage", ["language", "school", "job"])
def test_rest_bodies_are_what_the_gateways_api_accepts(stage: str) -> None:
    for report in plan(referral(stage), DAY, AutoRules(drop_out_rate=0)):
        body = REST_BODY.validate_python(report.rest_body())
        assert body.report_id == report.report_id
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]*", report.report_id)


def test_kafka_records_decode_as_the_contracts_events_with_the_report_id_as_ce_id() -> None:
    for report in plan(referral("language"), DAY, AutoRules(drop_out_rate=1.0)):
        record = kafka_record(report, "vhs-unna", PARTICIPANT, datetime(2026, 12, 1, tzinfo=UTC))
        assert record.topic == "provider.vhs-unna.reports.v1"
        assert record.key == PARTICIPANT.encode()
        event = decode(record.headers, record.value, topic=record.topic)
        assert event.id == report.report_id
        assert isinstance(event.payload, ProviderReport)
        assert event.payload.referral_id == report.referral_id


def test_place_unavailable_is_refused_on_kafka_since_it_is_rest_only() -> None:
    report = Report(Kind.PLACE_UNAVAILABLE, "r-1", "ref-1", DAY)
    with pytest.raises(ValueError, match="REST only"):
        kafka_record(report, "vhs-unna", PARTICIPANT)


def test_a_referral_reads_the_same_from_kafka_and_from_a_webhook() -> None:
    event = new_event(issued(), source="/kette/provider-gateway", event_id="e-1")
    record = encode(event)
    from_topic = from_kafka(_bytes(record.headers), record.value)
    from_hook = from_webhook(structured(event).encode())
    assert from_topic == from_hook
    assert from_topic.id == "e-1"
    assert isinstance(from_topic.data, Referral)
    assert from_topic.data.offer_id == "vhs-unna.deutsch-b1"


def test_an_unknown_type_or_a_missing_field_is_named() -> None:
    headers = [("ce_type", b"kette.referral.renamed.v1"), ("ce_id", b"x")]
    with pytest.raises(UnreadableEvent, match=re.escape("type: 'kette.referral.renamed.v1'")):
        from_kafka(headers, b"{}")
    document = structured(new_event(issued(), source="/s", event_id="e-2"))
    broken = document.replace('"offer_id"', '"offer"')
    with pytest.raises(UnreadableEvent, match="offer_id"):
        from_webhook(broken.encode())


def test_a_cli_report_sends_only_its_types_fields() -> None:
    options = {"reason": "took_up_work", "starts_on": "2026-12-01", "exam": None}
    report = report_from_options(Kind.DROPPED_OUT, "ref-1", None, DAY, options)
    assert report.rest_body() == {
        "type": "dropped_out",
        "report_id": report.report_id,
        "referral_id": "ref-1",
        "occurred_on": "2026-12-01",
        "reason": "took_up_work",
    }


def _bytes(headers: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(name, value.encode()) for name, value in headers.items()]


class HeldSender:
    """Records each report; holds at the second until released."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.at_second = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, report: Report, referral: Referral) -> bool:
        self.sent.append(report.kind.value)
        if len(self.sent) == 2:
            self.at_second.set()
            await self.release.wait()
        return True


async def test_a_withdrawal_stops_the_run_and_the_same_referral_is_not_answered_twice() -> None:
    sender = HeldSender()
    pilot = Autopilot(AutoRules(drop_out_rate=0), 0, lambda _: None)
    pilot.issued(referral(), DAY, sender)
    pilot.issued(referral(), DAY, sender)  # delivered twice
    await asyncio.wait_for(sender.at_second.wait(), 5)
    pilot.withdrawn(referral().referral_id)
    sender.release.set()
    await pilot.wait()
    pilot.issued(referral(), DAY, sender)
    await pilot.wait()
    assert sender.sent == ["accepted", "enrolled"]
