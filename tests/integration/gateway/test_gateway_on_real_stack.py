"""On the real broker: a confirmed referral reaches the provider's topic, a REST report reaches
provider-status once; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import pytest
from gateway_stack_support import (
    ADMIN_TOKEN,
    ProviderTopics,
    client_of,
)

from kette_core.contracts.referrals import ReferralAccepted, ReferralIssued
from kette_core.envelope import new_event
from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_core.settings import KetteSettings
from kette_provider_gateway.app import Gateway
from kette_provider_gateway.providers.service import onboard
from kette_provider_gateway.referrals.service import issued_event_id
from kette_provider_gateway.referrals.tables import ReferralRow
from kette_provider_gateway.reports.service import status_event_id
from tests.component.gateway.gateway_component_support import confirmed_referral, requested
from tests.integration.workflows.chain_stack_support import TopicRecorder, eventually

pytestmark = pytest.mark.integration

NewTopic = Callable[..., Awaitable[str]]
PARTICIPANT = f"p-{uuid.uuid4()}"


async def test_a_confirmed_referral_reaches_the_provider_and_its_report_the_chain_once(
    provider: ProviderTopics, gateway: Gateway, kafka_bootstrap: str
) -> None:
    settings = gateway.settings
    to_provider = TopicRecorder(kafka_bootstrap, provider.referrals)
    status = TopicRecorder(kafka_bootstrap, settings.provider_status_topic)
    chain_broker = build_broker(KetteSettings(kafka_bootstrap=kafka_bootstrap, service="test"))
    await chain_broker.start()
    await to_provider.start()
    await status.start()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        async with client_of(gateway) as api:
            added = await api.post(
                "/admin/providers",
                json={"provider_id": provider.provider_id, "name": "Test provider"},
                headers=admin,
            )
            assert added.status_code == 201, added.text
            key = added.json()["api_key"]

            referral_id = f"{PARTICIPANT}:ref:1"
            chain = EventPublisher(chain_broker)
            for payload in (
                requested(participant_id=PARTICIPANT),
                confirmed_referral(referral_id, provider.provider_id, PARTICIPANT),
            ):
                await chain.publish(
                    new_event(payload, source="/kette/workflows"), settings.chain_topic
                )
            await eventually(lambda: bool(to_provider.events_of(PARTICIPANT)), "the referral")

            [record] = to_provider.events_of(PARTICIPANT)
            assert record.ce_id == issued_event_id(referral_id)
            assert record.event is not None
            assert isinstance(record.event.payload, ReferralIssued)
            assert record.event.payload.language_level == "A2"

            body = {
                "type": "accepted",
                "report_id": "accept-1",
                "referral_id": referral_id,
                "occurred_on": "2026-12-01",
            }
            auth = {"Authorization": f"Bearer {key}"}
            answers = [await api.post("/api/reports", json=body, headers=auth) for _ in range(3)]
            assert [a.status_code for a in answers] == [201, 200, 200]
            await eventually(lambda: bool(status.events_of(PARTICIPANT)), "the status event")
            await asyncio.sleep(1.0)  # a second copy would show by now

            assert [r.ce_id for r in status.events_of(PARTICIPANT)] == [
                status_event_id(provider.provider_id, "accept-1")
            ]
            assert status.types_of(PARTICIPANT) == ["kette.referral.accepted.v1"]
            ready = await api.get("/readyz")
            assert ready.status_code == 200, ready.text
    finally:
        await to_provider.stop()
        await status.stop()
        await chain_broker.stop()


async def test_a_provider_registered_by_the_admin_command_reports_over_kafka_at_once(
    provider: ProviderTopics, gateway: Gateway, kafka_bootstrap: str
) -> None:
    settings = gateway.settings
    status = TopicRecorder(kafka_bootstrap, settings.provider_status_topic)
    chain_broker = build_broker(KetteSettings(kafka_bootstrap=kafka_bootstrap, service="test"))
    await chain_broker.start()
    await status.start()
    try:
        # what `python -m kette_provider_gateway provider add` does, beside the running gateway
        await onboard(gateway.sessions, gateway.provisioner, provider.provider_id, "T", "/cli")
        referral_id = f"{PARTICIPANT}:ref:2"
        publisher = EventPublisher(chain_broker)
        for payload in (
            requested(participant_id=PARTICIPANT),
            confirmed_referral(referral_id, provider.provider_id, PARTICIPANT),
        ):
            await publisher.publish(
                new_event(payload, source="/kette/workflows"), settings.chain_topic
            )
        report = ReferralAccepted(
            referral_id=referral_id,
            participant_id=PARTICIPANT,
            provider_id=provider.provider_id,
            occurred_on="2026-12-01",
        )
        event = new_event(report, source="/provider/test", event_id=f"evt-{uuid.uuid4()}")
        await eventually(
            lambda: provider.provider_id in gateway.listening, "the reports topic followed"
        )

        async def referral_known() -> bool:  # what the report is checked against
            async with gateway.sessions() as session:
                return await session.get(ReferralRow, referral_id) is not None

        await eventually(referral_known, "the referral at the gateway")  # before it is answered
        await publisher.publish(event, provider.reports)

        await eventually(lambda: bool(status.events_of(PARTICIPANT)), "the status event")
        assert [r.ce_id for r in status.events_of(PARTICIPANT)] == [
            status_event_id(provider.provider_id, event.id)
        ]
    finally:
        await status.stop()
        await chain_broker.stop()
