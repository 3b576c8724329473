"""Records for the audit's tests: real encoded events, a dead letter, an unknown type, junk."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from kette_core.contracts.access import AccessPurpose, PiiField, PiiRead
from kette_core.contracts.base import example_for
from kette_core.contracts.chain import StageStarted
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.topics import ACCESS, CHAIN, DEADLETTER
from kette_core.contracts.vocabulary import Actor, ActorRole, Stage
from kette_core.envelope import KafkaRecord, encode, new_event
from kette_core.ids import new_participant_id
from kette_reporting.audit.canonical import AuditRecord, kept_headers, record_time
from kette_reporting.audit.history import HistoryCollector, Period, PeriodTree

START = datetime(2026, 1, 1, tzinfo=UTC)


def as_audit(record: KafkaRecord, partition: int, offset: int, kafka_ms: int = 0) -> AuditRecord:
    """What the audit's reader makes of an encoded record lying at partition/offset."""
    headers = kept_headers((name, text.encode()) for name, text in record.headers.items())
    return AuditRecord(
        topic=record.topic,
        partition=partition,
        offset=offset,
        time=record_time(headers, kafka_ms),
        key=None if record.key is None else record.key.encode(),
        headers=headers,
        value=record.value,
    )


def registered(when: datetime) -> KafkaRecord:
    """A new participant registered by intake at `when` (the contract's example otherwise)."""
    payload = example_for(ParticipantRegistered).model_copy(
        update={"participant_id": new_participant_id()}
    )
    return encode(new_event(payload, source="/kette/intake", time=when))


def stage_started(participant: str, when: datetime, stage: Stage = Stage.LANGUAGE) -> KafkaRecord:
    """A chain event about `participant` at `when`."""
    payload = StageStarted(participant_id=participant, stage=stage, attempt=1)
    return encode(new_event(payload, source="/kette/test", time=when), CHAIN)


def pii_read(participant: str, when: datetime, actor_id: str = "cw-4b1d2c") -> KafkaRecord:
    """A caseworker read the participant's name and phone for case management."""
    payload = PiiRead(
        participant_id=participant,
        actor=Actor(role=ActorRole.CASEWORKER, actor_id=actor_id),
        fields_read=(PiiField.NAME, PiiField.PHONE),
        purpose=AccessPurpose.CASE_MANAGEMENT,
        via_service="intake",
    )
    return encode(new_event(payload, source="/kette/intake", time=when), ACCESS)


def dead_letter(when: datetime, topic: str, partition: int, offset: int) -> KafkaRecord:
    """The dead letter of a record some consumer rejected."""
    payload = DeadLetterRecorded(
        original_topic=topic,
        original_partition=partition,
        original_offset=offset,
        consumer_group="bridge",
        original_ce_type="kette.chain.stage_started.v1",
        reason="payload field stage: Input should be 'language'",
        value_sha256=hashlib.sha256(b"x").hexdigest(),
        value_size=1,
    )
    return encode(new_event(payload, source="/kette/bridge", time=when), DEADLETTER)


def renamed(record: KafkaRecord, ce_type: str) -> KafkaRecord:
    """The same record claiming another (unknown or newer) type."""
    headers = dict(record.headers, ce_type=ce_type)
    return KafkaRecord(record.topic, record.key, headers, record.value)


def history(alice: str, bob: str) -> list[AuditRecord]:
    """Three days of two participants' records, a dead letter, a newer type and junk."""
    records: list[AuditRecord] = []
    for day in range(3):
        when = START + timedelta(days=day, hours=9)
        records.append(as_audit(stage_started(alice, when), 0, 2 * day))
        records.append(as_audit(stage_started(bob, when + timedelta(minutes=5)), 0, 2 * day + 1))
        records.append(as_audit(pii_read(alice, when + timedelta(minutes=7)), 0, day))
    newer = stage_started(alice, START + timedelta(days=1, hours=11))
    records.append(as_audit(renamed(newer, "kette.chain.stage_started.v2"), 1, 0))
    junk = KafkaRecord(CHAIN, bob, {"ce_type": "kette.chain.stage_started.v1"}, b"not json")
    junk_ms = int((START + timedelta(days=1)).timestamp()) * 1000
    records.append(as_audit(junk, 1, 1, kafka_ms=junk_ms))
    records.append(as_audit(dead_letter(START + timedelta(days=1, hours=12), CHAIN, 1, 1), 0, 0))
    return records


def period_tree(days: tuple[int, int], records: list[AuditRecord]) -> PeriodTree:
    """The tree of the period from START + days[0] to START + days[1], as an export builds it."""
    first, until = (START + timedelta(days=day) for day in days)
    sink = HistoryCollector(Period(first, until))
    for record in records:
        sink(record)
    return sink.build()
