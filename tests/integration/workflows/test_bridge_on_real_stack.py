"""The bridge on real Kafka and Temporal: duplicates start nothing twice, junk is dead-lettered."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from chain_stack_support import ChainStack, TopicRecorder, member, send_raw

from kette_core.contracts.base import example_for
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.referrals import ReferralAccepted
from kette_core.envelope import new_event

pytestmark = pytest.mark.integration

STARTED = "kette.chain.started.v1"


@pytest.fixture
async def dead_letters(chain_stack: ChainStack) -> AsyncIterator[TopicRecorder]:
    """The stack's dead-letter topic, read from the test's start."""
    settings = chain_stack.settings
    recorder = TopicRecorder(settings.kafka_bootstrap, settings.deadletter_topic)
    await recorder.start()
    try:
        yield recorder
    finally:
        await recorder.stop()


def bridge_dead_letters(recorder: TopicRecorder, group_id: str) -> list[DeadLetterRecorded]:
    """The dead letters the bridge's consumer group wrote, in order."""
    return [
        record.event.payload
        for record in recorder.records
        if record.event is not None
        and isinstance(record.event.payload, DeadLetterRecorded)
        and record.event.payload.consumer_group == group_id
    ]


async def test_a_redelivered_or_resent_registration_starts_only_one_chain(
    chain_stack: ChainStack,
) -> None:
    person, later = member("eu_citizen"), member("gestattung")
    participant_id = person.participant_id

    first_id = await chain_stack.register(person.registration)
    await chain_stack.register(person.registration, event_id=first_id)  # redelivered as is
    resent_id = await chain_stack.register(person.registration, event_id=str(uuid.uuid4()))
    await chain_stack.register(later.registration)  # the bridge reads in order: a marker
    await chain_stack.wait_for(
        lambda: STARTED in chain_stack.chain.types_of(later.participant_id),
        "the later registration's chain to start",
    )

    assert resent_id != first_id
    assert chain_stack.chain.types_of(participant_id).count(STARTED) == 1
    runs = [
        execution
        async for execution in chain_stack.client.list_workflows(
            f"WorkflowId = 'chain-{participant_id}'"
        )
    ]
    assert len(runs) == 1
    assert chain_stack.bridge.logs().count("bridge.chain_already_started") == 2


async def test_malformed_records_go_to_the_dead_letter_topic_and_the_bridge_moves_on(
    chain_stack: ChainStack, dead_letters: TopicRecorder
) -> None:
    settings = chain_stack.settings
    await send_raw(
        settings.kafka_bootstrap,
        settings.participants_topic,
        value=b"{not json",
        headers=[("ce_specversion", b"1.0")],
        key=b"p-garbage-0001",
    )
    bad_match_id = str(uuid.uuid4())
    await send_raw(
        settings.kafka_bootstrap,
        settings.matching_topic,
        value=json.dumps({"participant_id": "p-garbage-0001", "proposals": []}).encode(),
        headers=[
            ("ce_specversion", b"1.0"),
            ("ce_id", bad_match_id.encode()),
            ("ce_source", b"/kette/matching"),
            ("ce_type", b"kette.matching.offers_proposed.v1"),
            ("ce_time", datetime.now(UTC).isoformat().encode()),
            ("ce_subject", b"p-garbage-0001"),
            ("content-type", b"application/json"),
        ],
        key=b"p-garbage-0001",
    )
    after = member("trained_worker")
    await chain_stack.register(after.registration)

    await chain_stack.wait_for(
        lambda: STARTED in chain_stack.chain.types_of(after.participant_id),
        "the registration after the junk to start its chain",
    )

    def ours() -> list[DeadLetterRecorded]:
        return bridge_dead_letters(dead_letters, settings.bridge_group_id)

    await chain_stack.wait_for(lambda: len(ours()) >= 2, "two dead letters from the bridge")
    by_topic = {letter.original_topic: letter for letter in ours()}
    assert len(ours()) == 2
    assert set(by_topic) == {settings.participants_topic, settings.matching_topic}
    assert "ce_id" in by_topic[settings.participants_topic].reason
    assert by_topic[settings.matching_topic].original_ce_id == bad_match_id
    assert "payload field" in by_topic[settings.matching_topic].reason
    assert isinstance(after.registration, ParticipantRegistered)


async def test_a_registration_naming_no_programme_is_dead_lettered_and_the_partition_moves_on(
    chain_stack: ChainStack, dead_letters: TopicRecorder
) -> None:
    """The poison record and the registrations after it share the test topic's one partition."""
    settings = chain_stack.settings
    poison = member("a1_learner")
    registration = poison.registration.model_copy(update={"programme_id": "no-such-programme"})
    await chain_stack.register(registration)
    after = [member("gestattung"), member("trained_worker"), member("eu_citizen")]
    for person in after:
        await chain_stack.register(person.registration)

    def all_started() -> bool:
        return all(STARTED in chain_stack.chain.types_of(p.participant_id) for p in after)

    await chain_stack.wait_for(all_started, "every registration after the poison one to start")

    def ours() -> list[DeadLetterRecorded]:
        return bridge_dead_letters(dead_letters, settings.bridge_group_id)

    await chain_stack.wait_for(lambda: len(ours()) == 1, "the poison record's dead letter")
    [letter] = ours()
    assert letter.original_topic == settings.participants_topic
    assert "no-such-programme" in letter.reason
    assert STARTED not in chain_stack.chain.types_of(poison.participant_id)


async def test_a_report_for_a_participant_without_a_chain_is_dead_lettered(
    chain_stack: ChainStack, dead_letters: TopicRecorder
) -> None:
    settings = chain_stack.settings
    stranger = member("a1_learner").participant_id
    report = example_for(ReferralAccepted).model_copy(update={"participant_id": stranger})
    event = new_event(report, source="/kette/provider-gateway/vhs-unna")
    await chain_stack.publisher.publish(event, settings.provider_status_topic)

    def ours() -> list[DeadLetterRecorded]:
        letters = bridge_dead_letters(dead_letters, settings.bridge_group_id)
        return [letter for letter in letters if letter.original_ce_id == event.id]

    await chain_stack.wait_for(lambda: len(ours()) == 1, "the report's dead letter")
    assert "no running chain" in ours()[0].reason
