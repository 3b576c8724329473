"""kette-provider against the gateway's real app (in-memory broker): its automatic answers go
through REST and the reports topic and reach provider-status; refusals come back named."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from gateway_component_support import Harness, eventually, settle

from kette_core.contracts import topics
from kette_core.envelope import encode, new_event
from kette_provider.auto import Autopilot, AutoRules
from kette_provider.events import Delivery, Referral, from_kafka
from kette_provider.gateway import Gateway, GatewayRefused, RestReports
from kette_provider.reports import Kind, Report, kafka_record
from kette_provider_gateway.app import create_app
from kette_provider_gateway.contacts.port import Contact, ContactDenied, Denial
from kette_provider_gateway.reports.service import status_event_id

pytestmark = pytest.mark.component

DAY = datetime(2026, 12, 1, tzinfo=UTC).date()


@pytest.fixture
async def clients(harness: Harness) -> AsyncIterator[dict[str, Gateway]]:
    """kette-provider's REST client per provider, straight into the app."""
    app = create_app(harness.gateway)
    made = {
        provider: Gateway("http://gateway", key, transport=httpx.ASGITransport(app=app))
        for provider, key in harness.keys.items()
    }
    yield made
    for client in made.values():
        await client.close()


async def received(harness: Harness, referral_id: str, provider_id: str = "alpha") -> Delivery:
    """The referral as kette-provider reads it from the provider's topic."""
    await harness.refer(referral_id, provider_id)
    [event] = [e for e in harness.to_providers[provider_id] if e.payload.referral_id == referral_id]
    record = encode(new_event(event.payload, source=event.source, event_id=event.id))
    headers = [(name, value.encode()) for name, value in record.headers.items()]
    return from_kafka(headers, record.value)


def status_types(harness: Harness, referral_id: str) -> list[str]:
    return [e.type for e in harness.statuses if e.payload.referral_id == referral_id]


async def test_the_automatic_provider_takes_a_referral_to_completed_over_rest_once(
    harness: Harness, clients: dict[str, Gateway]
) -> None:
    delivery = await received(harness, "ref-1")
    assert isinstance(delivery.data, Referral)
    said: list[str] = []
    for _ in range(2):  # a restarted client answers the same referral again
        pilot = Autopilot(AutoRules(drop_out_rate=0), 0, said.append)
        pilot.issued(delivery.data, DAY, RestReports(clients["alpha"], said.append))
        await pilot.wait()
    await eventually(lambda: len(status_types(harness, "ref-1")) == 5, "five status events")
    await settle()
    assert status_types(harness, "ref-1") == [
        "kette.referral.accepted.v1",
        "kette.referral.enrolled.v1",
        "kette.referral.attendance_reported.v1",
        "kette.referral.exam_result_reported.v1",
        "kette.referral.completed.v1",
    ]
    assert not [line for line in said if "refused" in line]


async def test_a_report_written_to_the_reports_topic_reaches_provider_status(
    harness: Harness,
) -> None:
    delivery = await received(harness, "ref-2")
    assert isinstance(delivery.data, Referral)
    report = Report(Kind.ACCEPTED, "alpha-acc-2", "ref-2", DAY, {"starts_on": DAY})
    record = kafka_record(report, "alpha", delivery.data.participant_id)
    assert record.topic == topics.provider_reports_topic("alpha")
    await harness.broker.publish(
        record.value,
        record.topic,
        key=record.key,
        headers={name: value.decode() for name, value in record.headers},
    )
    await eventually(lambda: bool(status_types(harness, "ref-2")), "the status event")
    [event] = [e for e in harness.statuses if e.payload.referral_id == "ref-2"]
    assert event.id == status_event_id("alpha", "alpha-acc-2")


async def test_a_report_out_of_order_is_refused_with_its_reason_and_stops_the_run(
    harness: Harness, clients: dict[str, Gateway]
) -> None:
    await received(harness, "ref-3")
    completed = Report(Kind.COMPLETED, "alpha-done-3", "ref-3", DAY)
    with pytest.raises(GatewayRefused) as refused:
        await clients["alpha"].report(completed)
    assert refused.value.status == 409
    assert refused.value.reasons == {"not_enrolled"}
    said: list[str] = []
    assert await RestReports(clients["alpha"], said.append).send(completed) is False
    assert "not_enrolled" in said[0]
    assert not status_types(harness, "ref-3")


async def test_another_providers_referral_reads_as_unknown(
    harness: Harness, clients: dict[str, Gateway]
) -> None:
    await received(harness, "ref-beta", "beta")
    with pytest.raises(GatewayRefused) as refused:
        await clients["alpha"].report(Report(Kind.ACCEPTED, "a-1", "ref-beta", DAY))
    assert (refused.value.status, refused.value.reasons) == (404, {"unknown_referral"})


async def test_the_client_retries_while_the_gateway_cannot_answer() -> None:
    answers = iter([503, 429, 201])
    seen: list[str] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        status = next(answers)
        if status != 201:
            return httpx.Response(status, json={"detail": [{"field": "x", "reason": "busy"}]})
        receipt = {"event_id": "e", "referral_id": "r", "referral_state": "accepted"}
        return httpx.Response(201, json={**receipt, "duplicate": False})

    client = Gateway("http://gw", "kette_k.s", transport=httpx.MockTransport(gateway))
    said: list[str] = []
    sender = RestReports(client, said.append, retry_seconds=0.001)
    assert await sender.send(Report(Kind.ACCEPTED, "a-1", "r", DAY)) is True
    assert seen == ["Bearer kette_k.s"] * 3
    assert [line.split()[0] for line in said] == ["[yellow]retrying[/]"] * 2


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (403, {"detail": [{"field": "referral_id", "reason": "no_consent"}]}, "no_consent"),
        (409, {"detail": [{"field": "referral_id", "reason": "referral_not_active"}]}, None),
        (404, {"detail": "Not Found"}, "not_found"),
    ],
)
async def test_a_refused_contact_request_names_its_reason(
    status: int, body: dict[str, object], reason: str | None
) -> None:
    def gateway(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/referrals/ref-1/contact"
        return httpx.Response(status, json=body)

    client = Gateway("http://gw", "kette_k.s", transport=httpx.MockTransport(gateway))
    with pytest.raises(GatewayRefused) as refused:
        await client.contact("ref-1")
    assert refused.value.status == status
    assert refused.value.reasons == {reason or "referral_not_active"}
    assert not refused.value.retryable


async def test_contact_details_come_back_as_the_gateway_sent_them() -> None:
    details = {"referral_id": "ref-1", "given_name": "Amina", "phone": "+49 2307 555 0101"}
    client = Gateway(
        "http://gw",
        "kette_k.s",
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json=details)),
    )
    assert await client.contact("ref-1") == details


class Intake:
    """Intake's claim check behind the gateway's port: one contact, or a denial."""

    def __init__(self) -> None:
        self.denial: Denial | None = None

    async def contact(self, participant_id: str, provider_id: str, referral_id: str) -> Contact:
        if self.denial is not None:
            raise ContactDenied(self.denial)
        return Contact(given_name="Amina", family_name="Haddad", phone="+49 2307 555 0101")


async def test_the_contact_command_reads_its_own_referral_and_is_refused_others(
    harness: Harness,
) -> None:
    await received(harness, "ref-own")
    await received(harness, "ref-theirs", "beta")
    intake = Intake()
    harness.gateway.intake = intake
    transport = httpx.ASGITransport(app=create_app(harness.gateway))
    alpha = Gateway("http://gateway", harness.keys["alpha"], transport=transport)
    try:
        details = await alpha.contact("ref-own")
        assert (details["referral_id"], details["given_name"]) == ("ref-own", "Amina")
        with pytest.raises(GatewayRefused) as theirs:
            await alpha.contact("ref-theirs")
        intake.denial = Denial.NO_CONSENT
        with pytest.raises(GatewayRefused) as no_consent:
            await alpha.contact("ref-own")
    finally:
        await alpha.close()
    assert theirs.value.status == 404
    assert (no_consent.value.status, no_consent.value.reasons) == (403, {"no_consent"})
