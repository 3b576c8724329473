"""CloudEvents 1.0 in Kafka binary mode: payload models in, typed events out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from pydantic import ValidationError

from kette_core import cloudevents_rules as rules
from kette_core.contracts.base import EventPayload
from kette_core.contracts.registry import payload_model
from kette_core.ids import random_event_id

CONTENT_TYPE = "application/json"
SPECVERSION = "1.0"
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")
_JSON_CONTENT_TYPE = re.compile(r"^application/json\s*(;.*)?$", re.IGNORECASE)
_OUR_HEADERS = frozenset((*REQUIRED_HEADERS, "ce_subject", "content-type"))
_SPECVERSION_BYTES = SPECVERSION.encode()
_CONTENT_TYPE_BYTES = CONTENT_TYPE.encode()
_MAX_ERRORS = 3

P = TypeVar("P", bound=EventPayload)
P_co = TypeVar("P_co", bound=EventPayload, covariant=True)


class InvalidEvent(Exception):
    """A record that is not a valid Kette event; `where` names the header or field."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem

    @property
    def reason(self) -> str:
        """Reason as written to the dead-letter topic."""
        return str(self)


@dataclass(frozen=True)
class OutgoingEvent(Generic[P_co]):
    """A payload with the envelope attributes that must not change between retries."""

    id: str
    source: str
    time: datetime
    payload: P_co

    @property
    def type(self) -> str:
        """CloudEvents type, taken from the payload model."""
        return self.payload.event_type

    @property
    def subject(self) -> str | None:
        """CloudEvents subject: the participant the event is about."""
        return self.payload.partition_key()


def new_event(
    payload: P, *, source: str, event_id: str | None = None, time: datetime | None = None
) -> OutgoingEvent[P]:
    """Wrap a payload; pass `event_id` from `stable_event_id` wherever a retry could re-publish."""
    when = time or datetime.now(UTC)
    if when.tzinfo is None:
        raise ValueError("event time must be timezone-aware")
    return OutgoingEvent(
        id=event_id or random_event_id(), source=source, time=when, payload=payload
    )


@dataclass(frozen=True)
class KafkaRecord:
    """What goes onto the wire: topic, key, string headers and the JSON value."""

    topic: str
    key: str | None
    headers: dict[str, str]
    value: bytes


@dataclass(frozen=True)
class ReceivedEvent(Generic[P_co]):
    """A decoded, validated event with where it was read from."""

    id: str
    type: str
    source: str
    time: datetime
    subject: str | None
    payload: P_co
    topic: str | None = field(default=None, compare=False)
    partition: int | None = field(default=None, compare=False)
    offset: int | None = field(default=None, compare=False)


def encode(event: OutgoingEvent[EventPayload], topic: str | None = None) -> KafkaRecord:
    """Binary mode: attributes as ce_* headers, the payload as the JSON value.

    Byte for byte what `cloudevents`' `to_binary` writes (the conformance test holds us to
    it), without building its `CloudEvent` on the way.
    """
    subject = event.subject
    _require_attributes(event, subject)
    headers = {
        "ce_specversion": SPECVERSION,
        "ce_id": event.id,
        "ce_source": event.source,
        "ce_type": event.type,
        "ce_time": _rfc3339(event.time),
        "content-type": CONTENT_TYPE,
    }
    if subject is not None:
        headers["ce_subject"] = subject
    return KafkaRecord(
        topic=topic or event.payload.target_topic(),
        key=subject,
        headers=headers,
        value=json.dumps(event.payload.model_dump(mode="json")).encode("utf-8"),
    )


def decode(
    headers: Iterable[tuple[str, bytes]],
    value: bytes | None,
    *,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
) -> ReceivedEvent[EventPayload]:
    """Parse and validate a binary-mode record; raise InvalidEvent naming what is wrong."""
    if not isinstance(headers, list | tuple):
        headers = tuple(headers)  # read twice when the hot path hands the record on
    event = _decode_usual(headers, value, topic, partition, offset)
    if event is not None:
        return event
    ce_headers, model, checked_time = check_envelope(headers)
    time = _cloudevents_checks(ce_headers, checked_time)
    payload = _payload(model, value, rules.data_content_type(ce_headers))
    subject = ce_headers.get("ce_subject")
    expected_subject = payload.partition_key()
    if expected_subject is not None and subject != expected_subject:
        problem = "missing header" if subject is None else "does not match participant_id"
        raise InvalidEvent("ce_subject", problem)
    where = (topic, partition, offset)
    return _received(
        ce_headers["ce_id"],
        model.event_type,
        ce_headers["ce_source"],
        time,
        subject,
        payload,
        where,
    )


def _require_attributes(event: OutgoingEvent[EventPayload], subject: str | None) -> None:
    """What the CloudEvents SDK refuses to write: empty attributes and a time without zone."""
    if event.id and event.source and subject != "" and event.time.tzinfo is not None:
        return  # `type` comes from the payload model and is never empty
    for name, text in (("id", event.id), ("source", event.source), ("type", event.type)):
        if not text:
            raise ValueError(f"CloudEvents attribute {name!r} must not be empty")
    if subject == "":
        raise ValueError("CloudEvents attribute 'subject' must not be empty")
    if event.time.tzinfo is None:
        raise ValueError("event time must be timezone-aware")


def _rfc3339(time: datetime) -> str:
    """ce_time as the SDK writes it: ISO 8601, UTC as `Z`."""
    text = time.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _decode_usual(
    headers: Iterable[tuple[str, bytes]],
    value: bytes | None,
    topic: str | None,
    partition: int | None,
    offset: int | None,
) -> ReceivedEvent[EventPayload] | None:
    """The hot path, for records as our `encode` writes them; None sends a record the long way.

    It accepts only records on which every check of the long way passes, with the same
    result (the conformance test holds it to that); anything unusual, invalid or merely
    spelt differently (`Content-Type`, an extension header, a non-UTF-8 header, a time
    other than `YYYY-MM-DDThh:mm:ss[.ffffff](Z|±hh:mm)`) goes the long way, which names
    the problem.
    """
    found = dict(headers)
    if not found.keys() <= _OUR_HEADERS and not _only_foreign_extras(found):
        return None
    if found.get("ce_specversion") != _SPECVERSION_BYTES:
        return None
    if found.get("content-type") != _CONTENT_TYPE_BYTES:
        return None
    try:
        event_id = found["ce_id"].decode()
        source = found["ce_source"].decode()
        model = payload_model(found["ce_type"].decode())
        time_text = found["ce_time"].decode()
        subject_raw = found.get("ce_subject")
        subject = None if subject_raw is None else subject_raw.decode()
    except (KeyError, UnicodeDecodeError):
        return None
    if not (event_id and source and model and value and subject != ""):
        return None
    if not rules.is_canonical_time(time_text):
        return None
    try:
        time = datetime.fromisoformat(time_text)
        payload = model.__pydantic_validator__.validate_json(value)
    except (ValueError, ValidationError):
        return None
    expected_subject = payload.partition_key()
    if expected_subject is not None and subject != expected_subject:
        return None
    where = (topic, partition, offset)
    return _received(event_id, model.event_type, source, time, subject, payload, where)


def _received(
    event_id: str,
    event_type: str,
    source: str,
    time: datetime,
    subject: str | None,
    payload: EventPayload,
    where: tuple[str | None, int | None, int | None],
) -> ReceivedEvent[EventPayload]:
    """A ReceivedEvent of checked values; its frozen `__init__` would cost three times as much."""
    event: ReceivedEvent[EventPayload] = object.__new__(ReceivedEvent)
    topic, partition, offset = where
    event.__dict__.update(
        id=event_id,
        type=event_type,
        source=source,
        time=time,
        subject=subject,
        payload=payload,
        topic=topic,
        partition=partition,
        offset=offset,
    )
    return event


def _only_foreign_extras(found: dict[str, bytes]) -> bool:
    """Whether every header beyond our seven is someone else's (not ce_*, not content-type)."""
    for name in found.keys() - _OUR_HEADERS:
        lowered = name.lower()
        if lowered.startswith(rules.CE_PREFIX) or lowered == rules.CONTENT_TYPE_HEADER:
            return False
    return True


def check_envelope(
    headers: Iterable[tuple[str, bytes]],
) -> tuple[dict[str, str], type[EventPayload], datetime]:
    """Our own checks of the headers: the ce_* headers, the payload model and the event time."""
    ce_headers = _envelope_headers(headers)
    for name in REQUIRED_HEADERS:
        if not ce_headers.get(name):
            raise InvalidEvent(name, "missing header")
    if ce_headers["ce_specversion"] != SPECVERSION:
        raise InvalidEvent("ce_specversion", f"unsupported version, expected {SPECVERSION}")
    content_type = ce_headers.get("content-type")
    if not content_type:
        raise InvalidEvent("content-type", f"missing header, expected {CONTENT_TYPE}")
    if content_type != CONTENT_TYPE and not _JSON_CONTENT_TYPE.match(content_type):
        raise InvalidEvent("content-type", f"unsupported {_clip(content_type)}, expected JSON")
    checked_time = _check_time(ce_headers["ce_time"])
    model = payload_model(ce_headers["ce_type"])
    if model is None:
        raise InvalidEvent("ce_type", f"unknown event type {_clip(ce_headers['ce_type'])}")
    return ce_headers, model, checked_time


def readable_header(headers: Iterable[tuple[str, bytes]], name: str) -> str | None:
    """A header as text if present and UTF-8, for dead-letter bookkeeping."""
    for header_name, raw in headers:
        if header_name.lower() == name:
            try:
                return raw.decode("utf-8")[:200]
            except UnicodeDecodeError:
                return None
    return None


def _envelope_headers(headers: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """The ce_* and content-type headers, decoded; other headers are not ours to judge."""
    decoded: dict[str, str] = {}
    for name, raw in headers:
        if name not in _OUR_HEADERS:  # another spelling, an extension, or not ours at all
            name = name.lower()
            if not (name.startswith(rules.CE_PREFIX) or name == rules.CONTENT_TYPE_HEADER):
                continue
        try:
            decoded[name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidEvent(name, "header value is not UTF-8") from None
    return decoded


def _check_time(value: str) -> datetime:
    """ce_time must be an RFC 3339 timestamp with a zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEvent("ce_time", "not an RFC 3339 timestamp") from None
    if parsed.tzinfo is None:
        raise InvalidEvent("ce_time", "timestamp has no time zone")
    return parsed


def _cloudevents_checks(ce_headers: dict[str, str], checked_time: datetime) -> datetime:
    """What the `cloudevents` package refuses beyond our own checks, in its words; the time."""
    try:
        time = rules.event_time(ce_headers["ce_time"], checked_time)
    except ValueError as error:
        raise InvalidEvent("headers", f"not a valid CloudEvent ({type(error).__name__})") from None
    try:
        rules.check_attributes(ce_headers)
    except rules.RuleBroken as broken:
        raise InvalidEvent(f"ce_{broken.attribute}", broken.problem) from None
    return time


def _payload(model: type[P], value: bytes | None, content_type: str | None) -> P:
    """Validate straight from the JSON bytes; on any complaint, read it again to name it."""
    if value and rules.is_json(content_type):
        try:
            return model.model_validate_json(value)
        except ValidationError:
            pass  # rare: the reading below reports it as the SDK's reading always did
    return validate_payload(model, rules.read_data(value or b"", content_type), value)


def validate_payload(model: type[P], data: object, raw: bytes | None) -> P:
    """Validate the value against the type's model; report fields, never their values."""
    if not raw:
        raise InvalidEvent("value", "empty, expected a JSON object")
    if isinstance(data, str | bytes):
        raise InvalidEvent("value", "not valid JSON")
    if not isinstance(data, dict):
        raise InvalidEvent("value", f"expected a JSON object, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        field_name, problem = validation_problem(error)
        raise InvalidEvent(f"payload field {field_name}", problem) from None


def validation_problem(error: ValidationError) -> tuple[str, str]:
    """The first field and the problems, never the values (they may be personal data)."""
    first, *others = error.errors(include_input=False, include_url=False)
    problem = "; ".join(
        [first["msg"]]
        + [f"field {_location(e['loc'])}: {e['msg']}" for e in others[: _MAX_ERRORS - 1]]
    )
    return _location(first["loc"]), problem


def _location(loc: tuple[int | str, ...]) -> str:
    """`goal.target_stage` style path; the model itself when the error has no field."""
    return ".".join(str(part) for part in loc) if loc else "(model)"


def _clip(text: str, limit: int = 100) -> str:
    """Quote producer-supplied text, cut short so junk cannot flood the reason."""
    return repr(text[:limit])
