"""The envelope as the `cloudevents` SDK writes and reads it: the reference for the fast path.

This is `kette_core.envelope`'s encode and decode as they were before they wrote and read
the headers themselves (up to commit c288568): our own header checks and payload validation
around the SDK's `to_binary`, `from_binary` and v1 `CloudEvent`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.exceptions import CloudEventValidationError
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from kette_core.contracts.base import EventPayload
from kette_core.envelope import (
    CONTENT_TYPE,
    SPECVERSION,
    InvalidEvent,
    KafkaRecord,
    OutgoingEvent,
    ReceivedEvent,
    check_envelope,
    validate_payload,
)

FORMAT = JSONFormat()


def sdk_encode(event: OutgoingEvent[EventPayload], topic: str | None = None) -> KafkaRecord:
    """A `CloudEvent` written by the SDK's `to_binary`."""
    attributes: dict[str, Any] = {
        "specversion": SPECVERSION,
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "time": event.time,
        "datacontenttype": CONTENT_TYPE,
    }
    if event.subject is not None:
        attributes["subject"] = event.subject
    cloud_event = CloudEvent(attributes, event.payload.model_dump(mode="json"))
    message = ce_kafka.to_binary(cloud_event, FORMAT, key_mapper=lambda _: event.subject)
    return KafkaRecord(
        topic=topic or event.payload.target_topic(),
        key=event.subject,
        headers={name: value.decode("utf-8") for name, value in message.headers.items()},
        value=message.value,
    )


def sdk_decode(
    headers: Iterable[tuple[str, bytes]], value: bytes | None
) -> ReceivedEvent[EventPayload]:
    """Our own header checks, then the SDK's `from_binary` and the payload model."""
    ce_headers, model, _ = check_envelope(headers)
    cloud_event = _parse_envelope(ce_headers, value or b"")
    payload = validate_payload(model, cloud_event.get_data(), value)
    subject = cloud_event.get_subject()
    expected_subject = payload.partition_key()
    if expected_subject is not None and subject != expected_subject:
        problem = "missing header" if subject is None else "does not match participant_id"
        raise InvalidEvent("ce_subject", problem)
    time = cloud_event.get_time()
    assert time is not None
    return ReceivedEvent(
        id=cloud_event.get_id(),
        type=cloud_event.get_type(),
        source=cloud_event.get_source(),
        time=time,
        subject=subject,
        payload=payload,
    )


def _parse_envelope(ce_headers: dict[str, str], value: bytes) -> CloudEvent:
    message = ce_kafka.KafkaMessage(
        headers={name: text.encode("utf-8") for name, text in ce_headers.items()},
        key=None,
        value=value,
    )
    try:
        event = ce_kafka.from_binary(message, FORMAT, CloudEvent)
    except CloudEventValidationError as error:
        attribute, problems = next(iter(error.errors.items()))
        raise InvalidEvent(f"ce_{attribute}", str(problems[0])) from None
    except ValueError as error:
        raise InvalidEvent("headers", f"not a valid CloudEvent ({type(error).__name__})") from None
    assert isinstance(event, CloudEvent)
    return event
