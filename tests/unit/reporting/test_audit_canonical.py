"""The canonical leaf encoding: documented bytes, order-free headers, exact JSON round trip."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from kette_reporting.audit.canonical import (
    AuditRecord,
    from_micros,
    kept_headers,
    record_time,
    to_micros,
)
from kette_reporting.audit.merkle import leaf_hash


def test_audit_the_leaf_bytes_follow_the_documented_layout() -> None:
    record = AuditRecord("t", 2, 7, 5, b"k", (("ce_id", b"1"),), b"{}")

    expected = (
        struct.pack(">BQH", 1, 5, 1)
        + b"t"
        + struct.pack(">IQ", 2, 7)
        + b"\x01"
        + struct.pack(">I", 1)
        + b"k"
        + struct.pack(">H", 1)
        + struct.pack(">H", 5)
        + b"ce_id"
        + struct.pack(">I", 1)
        + b"1"
        + b"\x01"
        + struct.pack(">I", 2)
        + b"{}"
    )
    assert record.encode() == expected
    assert record.leaf_hash() == leaf_hash(expected)


def test_audit_a_missing_key_or_value_differs_from_an_empty_one() -> None:
    empty = AuditRecord("t", 0, 0, 0, b"", (), b"")
    missing = AuditRecord("t", 0, 0, 0, None, (), None)
    assert empty.encode() != missing.encode()


def test_audit_headers_keep_the_event_ones_in_byte_order_and_drop_transport() -> None:
    raw = [("traceparent", b"00-x"), ("ce_type", b"t"), ("content-type", b"j"), ("CE_ID", b"1")]
    assert kept_headers(raw) == (("CE_ID", b"1"), ("ce_type", b"t"), ("content-type", b"j"))
    assert kept_headers(reversed(raw)) == kept_headers(raw)


def test_audit_record_time_is_ce_time_else_the_brokers_timestamp() -> None:
    moment = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert record_time([("ce_time", b"2026-03-01T12:00:00.123456Z")], 0) == to_micros(moment)
    assert record_time([("ce_time", b"yesterday")], 1_700_000_000_000) == 1_700_000_000_000_000
    assert record_time([("ce_time", b"2026-03-01T12:00:00")], 5) == 5000  # no zone
    assert record_time([], -1) == 0
    assert from_micros(to_micros(moment)) == moment


header = st.tuples(st.sampled_from(["ce_id", "ce_type", "ce_x"]), st.binary(max_size=8))


@settings(deadline=None)  # no per-example time limit: CI's two cores are shared
@given(
    st.text(min_size=1, max_size=20).filter(lambda text: "\0" not in text),
    st.integers(0, 2**31),
    st.integers(0, 2**62),
    st.integers(0, 4 * 10**15),  # up to the 2090s, as record times are
    st.none() | st.binary(max_size=20),
    st.lists(header, max_size=4),
    st.none() | st.binary(max_size=40),
)
def test_audit_the_json_form_round_trips_to_the_same_leaf(
    topic: str,
    partition: int,
    offset: int,
    time: int,
    key: bytes | None,
    headers: list[tuple[str, bytes]],
    value: bytes | None,
) -> None:
    record = AuditRecord(topic, partition, offset, time, key, kept_headers(headers), value)
    again = AuditRecord.from_json(record.to_json())
    assert again == record
    assert again.leaf_hash() == record.leaf_hash()


def test_audit_tree_order_is_time_then_topic_partition_offset() -> None:
    def at(time: int, topic: str, partition: int, offset: int) -> bytes:
        return AuditRecord(topic, partition, offset, time, None, (), None).sort_key()

    keys = [
        at(2, "a", 0, 0),
        at(1, "b", 0, 9),
        at(1, "ab", 3, 1),
        at(1, "a", 1, 0),
        at(1, "a", 0, 5),
    ]
    assert sorted(keys) == [keys[4], keys[3], keys[2], keys[1], keys[0]]
