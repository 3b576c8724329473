"""Consumer records as the broker hands them over, built from payloads in memory."""

from __future__ import annotations

from dataclasses import dataclass

from kette_core.consuming import DeadLetters, RawRecord
from kette_core.contracts.base import EventPayload
from kette_core.envelope import InvalidEvent, encode, new_event


@dataclass
class Record:
    """What `RawRecord` reads of aiokafka's ConsumerRecord."""

    topic: str
    partition: int
    offset: int
    value: bytes | None
    headers: list[tuple[str, bytes]]
    key: bytes | None = None


def record_of(payload: EventPayload, event_id: str | None = None, offset: int = 0) -> Record:
    """The record our encoder writes for `payload`, keyed as the publisher keys it."""
    encoded = encode(new_event(payload, source="/kette/test", event_id=event_id))
    headers = [(name, text.encode()) for name, text in encoded.headers.items()]
    key = None if encoded.key is None else encoded.key.encode()
    return Record(encoded.topic, 0, offset, encoded.value, headers, key)


class RecordedDeadLetters(DeadLetters):
    """Keeps the reasons by offset instead of publishing them."""

    def __init__(self) -> None:  # no publisher: nothing is sent
        self.reasons: dict[int, str] = {}

    async def record(self, record: RawRecord, consumer_group: str, invalid: InvalidEvent) -> None:
        self.reasons[record.offset] = invalid.reason
