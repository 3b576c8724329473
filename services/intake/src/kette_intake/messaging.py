"""The relay's way to Kafka: connects on first use, so intake starts (and keeps registrations
in its outbox) while Kafka is down."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from faststream.kafka import KafkaBroker

from kette_core.envelope import KafkaRecord
from kette_core.publishing import EventPublisher


class KafkaSender:
    """A RecordSender over one broker; a failed connect is retried by the relay's next round."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker
        self._publisher = EventPublisher(broker)
        self._connected = False
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        """Start the broker's producer once."""
        async with self._lock:
            if not self._connected:
                await self._broker.start()
                self._connected = True

    async def send_records(self, records: Sequence[KafkaRecord]) -> None:
        """Send in order and wait for every acknowledgement."""
        await self.connect()
        await self._publisher.send_records(records)

    async def check(self) -> None:
        """Readiness: the cluster answers a metadata request."""
        await self.connect()
        if not await self._broker.ping(timeout=2.0):
            raise ConnectionError("Kafka does not answer")

    async def close(self) -> None:
        """Flush and disconnect."""
        if self._connected:
            await self._broker.stop()
            self._connected = False
