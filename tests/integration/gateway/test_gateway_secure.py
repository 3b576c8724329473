"""Secure mode: the gateway works with its own SCRAM principal and ACLs, end to end, and a
provider reads only its own referrals."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import TopicAuthorizationFailedError
from gateway_stack_support import ADMIN_TOKEN, client_of

from kette_core.contracts import topics
from kette_core.contracts.referrals import ReferralAccepted, ReferralIssued
from kette_core.envelope import ReceivedEvent, decode, new_event
from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_core.settings import KetteSettings
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin import KafkaConnection
from kette_devstack.kafka_security import provider_principal
from kette_provider_gateway.app import Gateway, build, start, stop
from kette_provider_gateway.reports.service import status_event_id
from kette_provider_gateway.settings import GatewaySettings
from tests.component.gateway.gateway_component_support import confirmed_referral, requested

pytestmark = pytest.mark.integration


def _login(connection: KafkaConnection) -> dict[str, object]:
    """KETTE_* settings of a principal, as the stack gives each service."""
    return {
        "kafka_bootstrap": connection.bootstrap,
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": connection.username,
        "kafka_sasl_password": connection.password,
    }


async def _find(
    connection: KafkaConnection, topic: str, group: str, wanted: str
) -> ReceivedEvent[object]:
    """The first event about participant `wanted` on the topic, read as `connection`."""
    consumer = AIOKafkaConsumer(
        topic, **connection.client_kwargs(), group_id=group, auto_offset_reset="earliest"
    )
    try:
        async with asyncio.timeout(60):
            await consumer.start()
            while True:
                record = await consumer.getone()
                if record.key == wanted.encode():
                    return decode(record.headers, record.value)  # type: ignore[return-value]
    finally:
        await consumer.stop()


@pytest.fixture
async def secure_gateway(secure_kafka: KafkaNode, tmp_path: Path) -> AsyncIterator[Gateway]:
    """The gateway logged in as provider-gateway, with consumer groups its ACL allows."""
    run = uuid.uuid4().hex[:8]
    settings = GatewaySettings.model_validate(
        {
            **_login(secure_kafka.connection("provider-gateway")),
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
            "group_id": f"kette.provider-gateway.secure-{run}",
            "reports_group_id": f"kette.provider-gateway.secure-{run}-reports",
            "admin_token": ADMIN_TOKEN,
        }
    )
    gateway = build(settings)
    await start(gateway)
    try:
        yield gateway
    finally:
        await stop(gateway)


async def test_with_its_own_principal_the_gateway_hands_out_referrals_and_takes_reports(
    secure_kafka: KafkaNode, secure_gateway: Gateway
) -> None:
    participant = f"p-{uuid.uuid4()}"
    referral_id = f"{participant}:ref:1"
    alpha = secure_kafka.connection(provider_principal("alpha"))
    workflows = build_broker(
        KetteSettings.model_validate({**_login(secure_kafka.connection("workflows"))})
    )
    await workflows.start()
    try:
        async with client_of(secure_gateway) as api:
            added = await api.post(
                "/admin/providers",
                json={"provider_id": "alpha", "name": "Alpha"},
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
            assert added.status_code == 201, added.text
        for payload in (
            requested(participant_id=participant),
            confirmed_referral(referral_id, "alpha", participant),
        ):
            await EventPublisher(workflows).publish(new_event(payload, source="/kette/workflows"))

        issued = await _find(
            alpha, topics.provider_referrals_topic("alpha"), "provider.alpha.inbox", participant
        )
        assert isinstance(issued.payload, ReferralIssued)

        report = ReferralAccepted(
            referral_id=referral_id,
            participant_id=participant,
            provider_id="alpha",
            occurred_on="2026-12-01",
        )
        alpha_broker = build_broker(KetteSettings.model_validate(_login(alpha)))
        await alpha_broker.start()
        try:
            event = new_event(report, source="/provider/alpha", event_id=f"alpha-{uuid.uuid4()}")
            await EventPublisher(alpha_broker).publish(
                event, topics.provider_reports_topic("alpha")
            )
        finally:
            await alpha_broker.stop()
        status = await _find(
            secure_kafka.connection("workflows"),
            topics.PROVIDER_STATUS,
            f"kette.workflows.secure-{uuid.uuid4().hex[:6]}",
            participant,
        )
        assert status.id == status_event_id("alpha", event.id)
    finally:
        await workflows.stop()


async def test_another_provider_is_refused_the_referrals_the_gateway_wrote(
    secure_kafka: KafkaNode,
) -> None:
    beta = secure_kafka.connection(provider_principal("beta"))

    with pytest.raises(TopicAuthorizationFailedError):
        await _find(beta, topics.provider_referrals_topic("alpha"), "provider.beta.inbox", "anyone")
