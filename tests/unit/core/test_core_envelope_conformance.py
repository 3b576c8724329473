"""Our envelope against the `cloudevents` SDK, for every registered type: same records both ways.

`kette_core.envelope` writes and reads the CloudEvents headers itself; the reference is the SDK
(`core_cloudevents_reference`, the envelope as it was built on it). For hypothesis-generated
payloads and damaged records, our encoder writes the SDK's bytes, the SDK reads ours, and our
decoder accepts what the reference accepts, with the same result, and refuses the rest for
the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.v1.event import CloudEvent
from core_cloudevents_reference import FORMAT, sdk_decode, sdk_encode
from core_envelope_strategies import (
    EVENT_TIMES,
    damaged_headers,
    damaged_payloads,
    payloads,
    values,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kette_core.contracts import PAYLOAD_MODELS
from kette_core.contracts.base import EventPayload, example_for
from kette_core.envelope import InvalidEvent, OutgoingEvent, decode, encode, new_event

pytestmark = pytest.mark.unit

SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda model: model.event_type)
ATTRIBUTE_TEXT = st.text(min_size=1, max_size=20)


def for_every_type(test: Callable[..., None]) -> Callable[..., None]:
    """Run a property for each registered type, drawing its examples with `data`."""
    return TYPES(SETTINGS(given(data=st.data())(test)))


def valid_payloads(model: type[EventPayload]) -> st.SearchStrategy[EventPayload]:
    """Schema-shaped payloads the model accepts (cross-field rules filter a few out)."""
    return payloads(model).map(lambda data: _validated(model, data)).filter(bool)


def events(model: type[EventPayload]) -> st.SearchStrategy[OutgoingEvent[EventPayload]]:
    return st.builds(
        lambda payload, event_id, source, time: new_event(
            payload, source=source, event_id=event_id, time=time
        ),
        valid_payloads(model),
        ATTRIBUTE_TEXT,
        ATTRIBUTE_TEXT,
        EVENT_TIMES,
    )


def outcome(read: Any, headers: list[tuple[str, bytes]], value: bytes | None) -> tuple[Any, ...]:
    """What a decoder made of a record: the event, or where and why it refused it."""
    try:
        event = read(headers, value)
    except InvalidEvent as invalid:
        return ("refused", invalid.where, invalid.problem)
    time: datetime = event.time
    return (
        "event",
        event.id,
        event.type,
        event.source,
        time,
        time.utcoffset(),
        event.subject,
        event.payload,
    )


@for_every_type
def test_we_write_the_bytes_the_sdk_writes(model: type[EventPayload], data: st.DataObject) -> None:
    event = data.draw(events(model))

    ours, reference = encode(event), sdk_encode(event)

    assert list(ours.headers.items()) == list(reference.headers.items())
    assert (ours.topic, ours.key, ours.value) == (reference.topic, reference.key, reference.value)


@for_every_type
def test_the_sdk_reads_our_records_as_the_events_we_wrote(
    model: type[EventPayload], data: st.DataObject
) -> None:
    event = data.draw(events(model))
    record = encode(event)

    message = ce_kafka.KafkaMessage(
        headers={name: text.encode() for name, text in record.headers.items()},
        key=record.key,
        value=record.value,
    )
    read = ce_kafka.from_binary(message, FORMAT, CloudEvent)

    assert (read.get_id(), read.get_source(), read.get_type()) == (
        event.id,
        event.source,
        event.type,
    )
    assert read.get_time() == event.time
    assert read.get_subject() == event.subject
    assert read.get_data() == event.payload.model_dump(mode="json")


@for_every_type
def test_we_read_the_sdks_records_as_the_sdk_does(
    model: type[EventPayload], data: st.DataObject
) -> None:
    payload = data.draw(payloads(model) | damaged_payloads(model))
    attributes = {
        "id": data.draw(ATTRIBUTE_TEXT),
        "source": data.draw(ATTRIBUTE_TEXT),
        "type": model.event_type,
        "time": data.draw(EVENT_TIMES),
        "datacontenttype": "application/json",
    }
    if isinstance(payload.get("participant_id"), str) and payload["participant_id"]:
        attributes["subject"] = payload["participant_id"]
    message = ce_kafka.to_binary(CloudEvent(attributes, payload), FORMAT)
    headers = list(message.headers.items())

    assert outcome(decode, headers, message.value) == outcome(sdk_decode, headers, message.value)


@for_every_type
def test_damaged_values_are_refused_for_the_reasons_the_sdk_gives(
    model: type[EventPayload], data: st.DataObject
) -> None:
    record = encode(new_event(example_for(model), source="/kette/test"))
    headers = [(name, text.encode()) for name, text in record.headers.items()]
    value = data.draw((payloads(model) | damaged_payloads(model)).flatmap(values))

    assert outcome(decode, headers, value) == outcome(sdk_decode, headers, value)


@for_every_type
def test_damaged_headers_are_refused_for_the_reasons_the_sdk_gives(
    model: type[EventPayload], data: st.DataObject
) -> None:
    record = encode(new_event(example_for(model), source="/kette/test"))
    headers = data.draw(damaged_headers(record))

    assert outcome(decode, headers, record.value) == outcome(sdk_decode, headers, record.value)


@pytest.mark.parametrize(
    ("event_id", "source"), [("", "/kette/test"), ("evt-1", "")], ids=["no id", "no source"]
)
def test_neither_writes_an_event_without_id_or_source(event_id: str, source: str) -> None:
    payload = example_for(PAYLOAD_MODELS[0])
    event = new_event(payload, source="/kette/test", event_id="evt-1")
    event = OutgoingEvent(id=event_id, source=source, time=event.time, payload=payload)

    with pytest.raises(ValueError):
        encode(event)
    with pytest.raises(Exception):  # noqa: B017 - the SDK raises its own error type
        sdk_encode(event)


def _validated(model: type[EventPayload], data: dict[str, Any]) -> EventPayload | None:
    try:
        return model.model_validate(data)
    except ValidationError:
        return None
