"""kette-provider on the secure broker: with its own SCRAM login it reads its referrals and
writes its reports; with another provider's login it is refused."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    TopicAuthorizationFailedError,
)
from pydantic import SecretStr

from kette_core.contracts.referrals import ReferralAccepted, ReferralIssued
from kette_core.envelope import decode, encode, new_event
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_security import provider_principal
from kette_provider.events import Delivery, Referral
from kette_provider.identities import Identity
from kette_provider.kafka import KafkaReports, kafka_options, listen
from kette_provider.reports import Kind, Report

pytestmark = pytest.mark.integration

EXAMPLE = ReferralIssued.model_json_schema()["examples"][0]


def login_of(node: KafkaNode, provider_id: str, as_provider: str | None = None) -> Identity:
    """The identity of `provider_id` with the SCRAM login of `as_provider` (default: its own)."""
    connection = node.connection(provider_principal(as_provider or provider_id))
    assert connection.password is not None
    return Identity(
        provider_id=provider_id,
        kafka_username=connection.username,
        kafka_password=SecretStr(connection.password),
    )


async def test_kette_provider_reads_its_referral_and_writes_its_report_with_its_scram_login(
    secure_kafka: KafkaNode,
) -> None:
    participant_id = f"p-{uuid.uuid4()}"
    issued = ReferralIssued.model_validate(
        {**EXAMPLE, "participant_id": participant_id, "referral_id": f"{participant_id}:ref:1"}
    )
    record = encode(
        new_event(issued, source="/kette/provider-gateway"), "provider.alpha.referrals.v1"
    )
    admin = secure_kafka.connection()
    producer = AIOKafkaProducer(**admin.client_kwargs())
    await producer.start()
    try:
        await producer.send_and_wait(
            record.topic,
            record.value,
            key=(record.key or "").encode(),
            headers=[(k, v.encode()) for k, v in record.headers.items()],
        )
    finally:
        await producer.stop()

    alpha = login_of(secure_kafka, "alpha")
    options = kafka_options(secure_kafka.bootstrap, alpha)
    found: asyncio.Future[Delivery] = asyncio.get_running_loop().create_future()

    async def handle(delivery: Delivery) -> None:
        if delivery.subject == participant_id and not found.done():
            found.set_result(delivery)

    listening = asyncio.create_task(listen(alpha, options, handle, lambda _: None))
    try:
        delivery = await asyncio.wait_for(found, 60)
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)
    assert isinstance(delivery.data, Referral)
    assert delivery.data.referral_id == issued.referral_id

    reports = KafkaReports(alpha, options)
    await reports.start()
    try:
        report = Report(
            Kind.ACCEPTED, f"alpha-{uuid.uuid4().hex}", issued.referral_id, date.today()
        )
        assert await reports.send(report, delivery.data)
    finally:
        await reports.stop()
    consumer = AIOKafkaConsumer(
        "provider.alpha.reports.v1", **admin.client_kwargs(), auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(60):
            while True:
                got = await consumer.getone()
                if got.key == participant_id.encode():
                    break
    finally:
        await consumer.stop()
    event = decode(got.headers, got.value, topic=got.topic)
    assert event.id == report.report_id
    assert isinstance(event.payload, ReferralAccepted)
    assert event.payload.provider_id == "alpha"


async def test_another_providers_login_is_refused_alphas_referrals(secure_kafka: KafkaNode) -> None:
    posing = login_of(secure_kafka, "alpha", as_provider="beta")
    options = kafka_options(secure_kafka.bootstrap, posing)
    with pytest.raises((TopicAuthorizationFailedError, GroupAuthorizationFailedError)):
        async with asyncio.timeout(60):
            await listen(posing, options, lambda _: asyncio.sleep(0), lambda _: None)
