"""The Kafka door: read your referrals topic with your SCRAM login, write your reports topic."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from kette_provider.events import Delivery, Referral, UnreadableEvent, from_kafka
from kette_provider.identities import Identity
from kette_provider.reports import Report, kafka_record


def kafka_options(
    bootstrap: str, identity: Identity, mechanism: str = "SCRAM-SHA-512", tls: bool = False
) -> dict[str, Any]:
    """aiokafka's connection arguments: SCRAM when the identity has a password, else plaintext
    (the local stack's non-secure mode)."""
    options: dict[str, Any] = {"bootstrap_servers": bootstrap}
    if identity.kafka_password is None:
        return options
    options.update(
        security_protocol="SASL_SSL" if tls else "SASL_PLAINTEXT",
        sasl_mechanism=mechanism,
        sasl_plain_username=identity.kafka_username or f"provider.{identity.provider_id}",
        sasl_plain_password=identity.kafka_password.get_secret_value(),
    )
    return options


async def listen(
    identity: Identity,
    options: dict[str, Any],
    handle: Callable[[Delivery], Awaitable[None]],
    unreadable: Callable[[str], None],
) -> None:
    """Read the referrals topic in your own consumer group until cancelled.

    Offsets are committed automatically: handle each event idempotently (by its id), since
    after a restart the last ones may come again.
    """
    consumer = AIOKafkaConsumer(
        identity.referrals_topic,
        group_id=identity.consumer_group,
        auto_offset_reset="earliest",
        client_id=f"kette-provider-{identity.provider_id}",
        **options,
    )
    await consumer.start()
    try:
        async for record in consumer:
            try:
                delivery = from_kafka(record.headers, record.value)
            except UnreadableEvent as error:
                unreadable(f"{record.topic}@{record.partition}:{record.offset}: {error}")
                continue
            await handle(delivery)
    finally:
        await consumer.stop()


class KafkaReports:
    """Reports as CloudEvents on the reports topic; the gateway checks them like REST ones."""

    def __init__(self, identity: Identity, options: dict[str, Any]) -> None:
        self._identity = identity
        self._producer = AIOKafkaProducer(
            acks="all", client_id=f"kette-provider-{identity.provider_id}", **options
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, report: Report, referral: Referral) -> bool:
        """Written once the broker has it; the gateway refuses a misfit without an answer."""
        record = kafka_record(report, self._identity.provider_id, referral.participant_id)
        await self._producer.send_and_wait(
            record.topic, record.value, key=record.key, headers=record.headers
        )
        return True
