"""Publishing events straight to Kafka (the outbox relay uses it too)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from faststream.kafka import KafkaBroker

from kette_core.contracts.base import EventPayload
from kette_core.envelope import KafkaRecord, OutgoingEvent, encode
from kette_core.kafka import aiokafka_producer

log = structlog.get_logger(__name__)


class EventPublisher:
    """Binary-mode CloudEvents onto the registry's topic, keyed by participant."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish(self, event: OutgoingEvent[EventPayload], topic: str | None = None) -> None:
        """Send one event and wait for the broker; `topic` only for per-provider topics."""
        record = encode(event, topic)
        await self.send_records([record])
        log.debug("event.published", event_id=event.id, ce_type=event.type, topic=record.topic)

    async def send_records(self, records: Sequence[KafkaRecord]) -> None:
        """Hand all records to the producer in order, then wait for every acknowledgement.

        Straight to the aiokafka producer under the broker (idempotent, acks=all, as
        `build_broker` configured it): FastStream's per-message publish (a command, a
        correlation id, the middleware stack) cost more than the rest of the path. Through
        FastStream when there is no such producer (its test broker) or middlewares.
        """
        producer = aiokafka_producer(self._broker)
        pending: list[asyncio.Future[object]] = []
        for record in records:
            key = record.key.encode("utf-8") if record.key is not None else None
            if producer is None:
                sent = await self._broker.publish(
                    record.value, record.topic, key=key, headers=record.headers, no_confirm=True
                )
            else:
                headers = [(name, text.encode("utf-8")) for name, text in record.headers.items()]
                sent = await producer.send(record.topic, record.value, key=key, headers=headers)
            if isinstance(sent, asyncio.Future):  # the in-memory test broker returns None
                pending.append(sent)
        if pending:
            await asyncio.gather(*pending)
