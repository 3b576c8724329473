"""Hypothesis strategies for the conformance test: payloads from the models' JSON Schemas, damaged
payloads and headers, and envelopes, so both encoders and both decoders meet the same records."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from kette_core.contracts.base import EventPayload
from kette_core.envelope import KafkaRecord

JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
)
EVENT_TIMES = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=ZONES
)
ODD_TIMES = st.sampled_from(
    [
        "yesterday",
        "",
        "2024-03-04T09:30:00",
        "2024-03-04 09:30:00Z",
        "20240304T093000Z",
        "2024-03-04T09:30Z",
        "2024-03-04T09:30:00.1234567+01:00",
        "2024-03-04T24:00:00Z",
        "2024-W10-1T09:30:00Z",
        "2024-03-04T09:30:00,5Z",
        "2024-03-04T09:30:00+01",
        "2024-03-04T09:30:00+01:00:30",
        "2024-03-04t09:30:00z",
        "2024-03-04T09:30:00-00:00",
        "2024-03-04T09:30:00.5Z",
    ]
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        "application/json ;charset=utf-8",
        "text/json",
        "application/cloudevents+json",
        "text/plain",
        "",
    ]
)
HEADER_NAMES = st.sampled_from(
    [
        "ce_traceparent",
        "ce_Trace-Id",
        "ce_data",
        "ce_",
        "ce_dataschema",
        "ce_datacontenttype",
        "ce_partitionkey",
        "ce_subject",
        "ce_time",
        "ce_x\n",
        "CE_ID",
        "Ce_Type",
        "Content-Type",
        "traceparent",
    ]
)
HEADER_VALUES = (
    st.sampled_from([b"", b"abc", b"\xff\xfe", b"application/json", b"text/plain", b"1.0"])
    | st.text(max_size=12).map(str.encode)
    | ODD_TIMES.map(str.encode)
)
BROKEN_VALUES = st.sampled_from(
    [
        b"",
        b"null",
        b"[1, 2]",
        b'"text"',
        b"12",
        b"true",
        b"NaN",
        b"\xff\xfe",
        b"{",
        b"{}",
        b"\xef\xbb\xbf{}",
    ]
)


def payloads(model: type[EventPayload]) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects shaped by the model's schema; a few break its cross-field rules."""
    schema = model.model_json_schema()
    strategy = _from_schema(schema, schema.get("$defs", {}))
    return strategy  # type: ignore[no-any-return]


def damaged_payloads(model: type[EventPayload]) -> st.SearchStrategy[dict[str, Any]]:
    """Schema-shaped objects with a field dropped, added or replaced by any JSON value."""
    return payloads(model).flatmap(_damage)


def _damage(payload: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    keys = sorted(payload) or ["participant_id"]
    dropped = st.sampled_from(keys).map(lambda key: {k: v for k, v in payload.items() if k != key})
    replaced = st.tuples(st.sampled_from(keys), JSON_VALUES).map(
        lambda kv: {**payload, kv[0]: kv[1]}
    )
    added = st.tuples(st.text(max_size=8), JSON_VALUES).map(lambda kv: {**payload, kv[0]: kv[1]})
    return dropped | replaced | added


def values(payload: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """The payload as JSON in several spellings, or something broken in its place."""
    spelled = st.sampled_from(
        [
            json.dumps(payload).encode(),
            json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
            b"  " + json.dumps(payload, indent=1).encode() + b"\n",
        ]
    )
    cut = spelled.flatmap(lambda raw: st.integers(0, max(0, len(raw) - 1)).map(lambda n: raw[:n]))
    return st.one_of(spelled, spelled, spelled, cut, BROKEN_VALUES)


def damaged_headers(record: KafkaRecord) -> st.SearchStrategy[list[tuple[str, bytes]]]:
    """The record's headers with one or two things wrong (or odd but acceptable)."""
    wire = [(name, value.encode()) for name, value in record.headers.items()]
    return st.lists(_header_change(), min_size=1, max_size=2).map(
        lambda changes: _apply(wire, changes)
    )


def _header_change() -> st.SearchStrategy[tuple[str, str, bytes]]:
    names = st.sampled_from(
        ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type"]
    )
    return st.one_of(
        st.tuples(st.just("drop"), names, st.just(b"")),
        st.tuples(st.just("set"), st.just("ce_time"), ODD_TIMES.map(str.encode)),
        st.tuples(
            st.just("set"), st.just("ce_time"), EVENT_TIMES.map(lambda t: t.isoformat().encode())
        ),
        st.tuples(st.just("set"), st.just("content-type"), CONTENT_TYPES.map(str.encode)),
        st.tuples(st.just("set"), names, HEADER_VALUES),
        st.tuples(st.just("add"), HEADER_NAMES, HEADER_VALUES),
        st.tuples(st.just("upper"), names, st.just(b"")),
    )


def _apply(
    wire: list[tuple[str, bytes]], changes: list[tuple[str, str, bytes]]
) -> list[tuple[str, bytes]]:
    headers = list(wire)
    for action, name, value in changes:
        if action == "drop":
            headers = [(n, v) for n, v in headers if n != name]
        elif action == "set":
            headers = [(n, value if n == name else v) for n, v in headers]
        elif action == "upper":
            headers = [(n.upper() if n == name else n, v) for n, v in headers]
        else:
            headers.append((name, value))
    return headers


def _from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A strategy for the JSON Schema features pydantic writes for our payloads."""
    if "$ref" in schema:
        return _from_schema(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([_from_schema(option, defs) for option in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, defs)
    if kind == "array":
        items = _from_schema(schema.get("items", {}), defs)
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=3)
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return JSON_VALUES


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {name: _from_schema(sub, defs) for name, sub in properties.items() if name in required},
        optional={
            name: _from_schema(sub, defs)
            for name, sub in properties.items()
            if name not in required
        },
    )


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    if schema.get("format") == "date":
        return st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)).map(date.isoformat)
    return st.text(
        min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 20), 20)
    )


def _number(schema: dict[str, Any], *, integer: bool) -> st.SearchStrategy[float]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum")
    if integer:
        return st.integers(min_value=low, max_value=high)
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
