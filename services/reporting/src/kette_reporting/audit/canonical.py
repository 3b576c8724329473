"""One Kafka record as an audit leaf: a canonical byte encoding, so every machine hashes alike.

Leaf encoding, version 1 (all integers big-endian, lengths count bytes):

    u8  version = 1
    u64 time          record time, microseconds since 1970-01-01 UTC (see `record_time`)
    u16 len, topic    UTF-8
    u32 partition
    u64 offset
    u8  has_key, [u32 len, key bytes]
    u16 count, then per header in (name, value) byte order: u16 len, name (UTF-8),
                                                            u32 len, value bytes
    u8  has_value, [u32 len, value bytes]

Only the CloudEvents headers (`ce_*`, any case) and `content-type` are kept: they and the
value are the event; other headers are transport. The JSON-lines form writes bytes as
text when they are UTF-8 and as {"b64": ...} otherwise, so it round-trips exactly.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kette_reporting.audit.merkle import leaf_hash

VERSION = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Header = tuple[str, bytes]


def kept_headers(headers: Iterable[tuple[str, bytes]]) -> tuple[Header, ...]:
    """The event's headers in canonical order; transport headers dropped."""
    kept = (
        (name, value or b"")
        for name, value in headers
        if name.lower().startswith("ce_") or name.lower() == "content-type"
    )
    return tuple(sorted(kept, key=lambda header: (header[0].encode(), header[1])))


def record_time(headers: Iterable[Header], kafka_timestamp_ms: int) -> int:
    """ce_time when it is a readable RFC 3339 time with a zone after 1970, else the broker's."""
    for name, raw in headers:
        if name == "ce_time":
            try:
                parsed = datetime.fromisoformat(raw.decode())
            except (UnicodeDecodeError, ValueError):
                break
            if parsed.tzinfo is not None and parsed > _EPOCH:
                return to_micros(parsed)
            break
    return max(kafka_timestamp_ms, 0) * 1000  # -1: the producer gave no timestamp


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch, exact (no float rounding)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    """The UTC moment of `to_micros`."""
    seconds, rest = divmod(micros, 1_000_000)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=rest)


@dataclass(frozen=True)
class AuditRecord:
    """A record as the audit keeps it: where it lies, when, and its event bytes."""

    topic: str
    partition: int
    offset: int
    time: int
    key: bytes | None
    headers: tuple[Header, ...]
    value: bytes | None

    def encode(self) -> bytes:
        """The canonical leaf bytes (module docstring)."""
        topic = self.topic.encode()
        parts = [struct.pack(">BQH", VERSION, self.time, len(topic)), topic]
        parts.append(struct.pack(">IQ", self.partition, self.offset))
        parts.append(_optional(self.key))
        parts.append(struct.pack(">H", len(self.headers)))
        for name, value in self.headers:
            encoded = name.encode()
            parts += [struct.pack(">H", len(encoded)), encoded]
            parts += [struct.pack(">I", len(value)), value]
        parts.append(_optional(self.value))
        return b"".join(parts)

    def leaf_hash(self) -> bytes:
        """The record's Merkle leaf hash."""
        return leaf_hash(self.encode())

    def sort_key(self) -> bytes:
        """Tree order, compared as bytes: time, topic, partition, offset."""
        return order_key(self.time, self.topic, self.partition, self.offset)

    def header(self, name: str) -> str | None:
        """A kept header as text, if present and UTF-8."""
        for header_name, value in self.headers:
            if header_name == name:
                try:
                    return value.decode()
                except UnicodeDecodeError:
                    return None
        return None

    @property
    def subject(self) -> str | None:
        """The participant the record is about: its key, else its ce_subject."""
        if self.key:
            try:
                return self.key.decode()
            except UnicodeDecodeError:
                return None
        return self.header("ce_subject")

    def where(self) -> str:
        """topic/partition@offset, as people name a record."""
        return f"{self.topic}/{self.partition}@{self.offset}"

    def to_json(self) -> dict[str, Any]:
        """The JSON-lines form (module docstring)."""
        return {
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "time": from_micros(self.time).isoformat().replace("+00:00", "Z"),
            "time_us": self.time,
            "key": _text_or_b64(self.key),
            "headers": [[name, _text_or_b64(value)] for name, value in self.headers],
            "value": _text_or_b64(self.value),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditRecord:
        """Read the JSON-lines form back; a malformed line raises ValueError naming the field."""
        try:
            pairs = data["headers"]
            headers = tuple((str(name), _bytes(value, "headers")) for name, value in pairs)
            return cls(
                topic=_typed(data["topic"], str, "topic"),
                partition=_typed(data["partition"], int, "partition"),
                offset=_typed(data["offset"], int, "offset"),
                time=_typed(data["time_us"], int, "time_us"),
                key=None if data["key"] is None else _bytes(data["key"], "key"),
                headers=headers,
                value=None if data["value"] is None else _bytes(data["value"], "value"),
            )
        except KeyError as missing:
            raise ValueError(f"record: missing field {missing.args[0]}") from None
        except (TypeError, ValueError) as error:
            raise ValueError(f"record: {error}") from None


def order_key(time: int, topic: str, partition: int, offset: int) -> bytes:
    """Bytes that sort as (time, topic, partition, offset); topic names hold no NUL."""
    return struct.pack(">Q", time) + topic.encode() + b"\0" + struct.pack(">IQ", partition, offset)


def _optional(data: bytes | None) -> bytes:
    if data is None:
        return b"\x00"
    return b"\x01" + struct.pack(">I", len(data)) + data


def _text_or_b64(data: bytes | None) -> str | dict[str, str] | None:
    if data is None:
        return None
    try:
        return data.decode()
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(data).decode()}


def _bytes(value: object, field: str) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, dict) and isinstance(value.get("b64"), str):
        return base64.b64decode(value["b64"], validate=True)
    raise ValueError(f"{field}: expected text or {{'b64': ...}}")


def _typed(value: object, kind: type, field: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{field}: expected {kind.__name__}")
    return value
