"""The relay's re-send window: an outage that loses acknowledgements duplicates one record per
failed attempt, not a batch, and every copy on Kafka carries its row's ce_id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaTimeoutError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import StageStarted
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import KafkaRecord, new_event
from kette_core.ids import new_participant_id
from kette_core.kafka import build_broker
from kette_core.outbox import OutboxRelay, add_to_outbox
from kette_core.publishing import EventPublisher
from kette_core.settings import KetteSettings

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
ROWS = 10
FAILED_ATTEMPTS = 4


class AcknowledgementsLost:
    """The broker writes the records, but the first sends never hear back (a broker crash)."""

    def __init__(self, publisher: EventPublisher, failures: int) -> None:
        self._publisher = publisher
        self._failures = failures

    async def send_records(self, records: Sequence[KafkaRecord]) -> None:
        await self._publisher.send_records(records)
        if self._failures:
            self._failures -= 1
            raise KafkaTimeoutError("acknowledgement lost")


async def _copies_on(topic: str, bootstrap: str) -> Counter[str]:
    """How often each ce_id stands on the (one-partition) topic."""
    partition = TopicPartition(topic, 0)
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await reader.start()
    try:
        reader.assign([partition])
        end = (await reader.end_offsets([partition]))[partition]
        copies: Counter[str] = Counter()
        while await reader.position(partition) < end:
            for record in (await reader.getmany(partition, timeout_ms=1000)).get(partition, []):
                copies.update(v.decode() for k, v in record.headers if k == "ce_id")
    finally:
        await reader.stop()
    return copies


async def test_an_outage_resends_one_record_per_failed_attempt_not_the_batch(
    kafka_bootstrap: str, new_topic: NewTopic, sessions: async_sessionmaker[AsyncSession]
) -> None:
    topic = await new_topic("outbox-resend", partitions=1)
    participant = new_participant_id()
    events = [
        new_event(StageStarted(participant_id=participant, stage=Stage.JOB, attempt=n), source="/t")
        for n in range(1, ROWS + 1)
    ]
    async with sessions() as session, session.begin():
        for event in events:
            await add_to_outbox(session, event, topic)
    broker = build_broker(KetteSettings(service="test", kafka_bootstrap=kafka_bootstrap))
    await broker.start()
    try:
        sender = AcknowledgementsLost(EventPublisher(broker), FAILED_ATTEMPTS)
        relay = OutboxRelay(sessions, sender, batch_size=ROWS)
        claimed = []
        for _ in range(FAILED_ATTEMPTS):
            claimed.append(relay.claim_limit)
            with pytest.raises(KafkaTimeoutError):
                await relay.relay_once()
        sent = [await relay.relay_once() for _ in range(3)]
    finally:
        await broker.stop()

    copies = await _copies_on(topic, kafka_bootstrap)
    assert (claimed, sent) == ([ROWS, 1, 1, 1], [1, ROWS - 1, 0])
    assert set(copies) == {event.id for event in events}
    assert (
        sum(copies.values()) == 2 * ROWS + FAILED_ATTEMPTS - 1
    )  # was (FAILED_ATTEMPTS + 1) * ROWS
