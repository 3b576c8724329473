"""CloudEvents binary-mode encoding and the reasons a record is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from kette_core.contracts import PAYLOAD_MODELS
from kette_core.contracts.base import EXAMPLE_PARTICIPANT as PARTICIPANT
from kette_core.contracts.base import EventPayload, example_for
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.referrals import ReferralIssued
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import InvalidEvent, KafkaRecord, decode, encode, new_event

pytestmark = pytest.mark.unit

SOURCE = "/kette/test"
WHEN = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)


def wire(record: KafkaRecord) -> list[tuple[str, bytes]]:
    """Headers as a consumer sees them."""
    return [(name, value.encode()) for name, value in record.headers.items()]


def valid_record() -> KafkaRecord:
    payload = StageStarted(participant_id=PARTICIPANT, stage=Stage.LANGUAGE, attempt=1)
    return encode(new_event(payload, source=SOURCE, event_id="evt-1", time=WHEN))


def with_header(record: KafkaRecord, name: str, value: str | None) -> list[tuple[str, bytes]]:
    headers = dict(record.headers)
    if value is None:
        headers.pop(name)
    else:
        headers[name] = value
    return [(key, text.encode()) for key, text in headers.items()]


def refusal(headers: list[tuple[str, bytes]], value: bytes) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as caught:
        decode(headers, value)
    return caught.value


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda model: model.event_type)
def test_every_event_type_survives_the_round_trip(model: type[EventPayload]) -> None:
    payload = example_for(model)
    record = encode(new_event(payload, source=SOURCE, event_id="evt-42", time=WHEN))

    received = decode(wire(record), record.value, topic=record.topic, partition=0, offset=7)

    assert received.payload == payload
    assert (received.id, received.type, received.source) == ("evt-42", model.event_type, SOURCE)
    assert received.time == WHEN
    assert received.subject == payload.partition_key()
    assert (received.topic, received.partition, received.offset) == (record.topic, 0, 7)


def test_binary_mode_puts_attributes_in_ce_headers_and_the_payload_in_the_value() -> None:
    record = valid_record()

    assert record.headers == {
        "ce_specversion": "1.0",
        "ce_id": "evt-1",
        "ce_source": SOURCE,
        "ce_type": "kette.chain.stage_started.v1",
        "ce_time": "2024-03-04T09:30:00Z",
        "ce_subject": PARTICIPANT,
        "content-type": "application/json",
    }
    assert json.loads(record.value) == {
        "participant_id": PARTICIPANT,
        "stage": "language",
        "attempt": 1,
    }


def test_the_participant_is_the_record_key_and_the_registry_names_the_topic() -> None:
    record = valid_record()

    assert record.key == PARTICIPANT
    assert record.topic == "kette.chain.v1"


def test_referrals_go_to_the_addressed_providers_own_topic() -> None:
    record = encode(new_event(example_for(ReferralIssued), source=SOURCE))

    assert record.topic == "provider.vhs-unna.referrals.v1"


def test_an_explicit_topic_overrides_the_registry() -> None:
    payload = StageStarted(participant_id=PARTICIPANT, stage=Stage.JOB, attempt=2)

    record = encode(new_event(payload, source=SOURCE), topic="test.topic")

    assert record.topic == "test.topic"


def test_events_without_a_given_id_get_distinct_random_ids() -> None:
    payload = StageStarted(participant_id=PARTICIPANT, stage=Stage.JOB, attempt=2)

    assert new_event(payload, source=SOURCE).id != new_event(payload, source=SOURCE).id


def test_a_naive_event_time_is_refused() -> None:
    payload = StageStarted(participant_id=PARTICIPANT, stage=Stage.JOB, attempt=2)

    with pytest.raises(ValueError, match="timezone"):
        new_event(payload, source=SOURCE, time=datetime(2024, 1, 1))


@pytest.mark.parametrize(
    "header", ["ce_type", "ce_id", "ce_source", "ce_specversion", "ce_time", "content-type"]
)
def test_a_missing_required_header_is_named(header: str) -> None:
    record = valid_record()

    problem = refusal(with_header(record, header, None), record.value)

    assert problem.where == header
    assert "missing header" in problem.reason


def test_an_unknown_type_is_refused() -> None:
    record = valid_record()

    problem = refusal(with_header(record, "ce_type", "kette.chain.invented.v1"), record.value)

    assert problem.reason == "ce_type: unknown event type 'kette.chain.invented.v1'"


def test_another_specversion_is_refused() -> None:
    record = valid_record()

    problem = refusal(with_header(record, "ce_specversion", "0.3"), record.value)

    assert problem.where == "ce_specversion"


def test_a_non_json_content_type_is_refused() -> None:
    record = valid_record()

    problem = refusal(with_header(record, "content-type", "text/plain"), record.value)

    assert problem.reason == "content-type: unsupported 'text/plain', expected JSON"


@pytest.mark.parametrize("value", ["yesterday", "2024-03-04T09:30:00"])
def test_a_time_that_is_not_rfc3339_with_zone_is_refused(value: str) -> None:
    record = valid_record()

    problem = refusal(with_header(record, "ce_time", value), record.value)

    assert problem.where == "ce_time"


def test_broken_json_is_refused() -> None:
    problem = refusal(wire(valid_record()), b'{"participant_id": "p-')

    assert problem.reason == "value: not valid JSON"


def test_json_that_is_not_an_object_is_refused() -> None:
    problem = refusal(wire(valid_record()), b"[1, 2]")

    assert problem.reason == "value: expected a JSON object, got list"


def test_an_empty_value_is_refused() -> None:
    problem = refusal(wire(valid_record()), b"")

    assert problem.reason == "value: empty, expected a JSON object"


def test_a_schema_violation_names_the_field_and_the_rule() -> None:
    value = json.dumps({"participant_id": PARTICIPANT, "stage": "moon", "attempt": 1}).encode()

    problem = refusal(wire(valid_record()), value)

    assert problem.where == "payload field stage"
    assert "'language', 'school', 'apprenticeship' or 'job'" in problem.reason


def test_an_extra_field_such_as_a_name_is_refused_without_echoing_its_value() -> None:
    value = json.dumps(
        {"participant_id": PARTICIPANT, "stage": "job", "attempt": 1, "name": "Amina Yusuf"}
    ).encode()

    problem = refusal(wire(valid_record()), value)

    assert problem.reason == "payload field name: Extra inputs are not permitted"
    assert "Amina" not in problem.reason


def test_several_violations_are_all_reported() -> None:
    value = json.dumps({"participant_id": PARTICIPANT, "stage": "moon", "attempt": 0}).encode()

    problem = refusal(wire(valid_record()), value)

    assert "payload field stage" in problem.reason
    assert "field attempt: Input should be greater than or equal to 1" in problem.reason


def test_a_subject_that_differs_from_the_payload_participant_is_refused() -> None:
    record = valid_record()

    problem = refusal(with_header(record, "ce_subject", "p-someone-else-0000"), record.value)

    assert problem.reason == "ce_subject: does not match participant_id"


def test_a_header_that_is_not_utf8_is_refused() -> None:
    headers = [*wire(valid_record()), ("ce_traceparent", b"\xff\xfe")]

    problem = refusal(headers, valid_record().value)

    assert problem.reason == "ce_traceparent: header value is not UTF-8"


def test_an_invalid_extension_attribute_name_is_refused() -> None:
    headers = [*wire(valid_record()), ("ce_Trace-Id", b"abc")]

    problem = refusal(headers, valid_record().value)

    assert problem.where == "ce_trace-id"


def test_headers_that_are_not_ours_are_ignored() -> None:
    headers = [*wire(valid_record()), ("correlation_id", b"\xff"), ("traceparent", b"00-ab")]

    received = decode(headers, valid_record().value)

    assert received.id == "evt-1"


def test_headers_given_as_a_one_pass_iterator_are_judged_like_a_list() -> None:
    record = valid_record()
    headers = with_header(record, "ce_subject", "p-someone-else-0000")

    problem = refusal(iter(headers), record.value)  # type: ignore[arg-type]

    assert problem.reason == "ce_subject: does not match participant_id"
