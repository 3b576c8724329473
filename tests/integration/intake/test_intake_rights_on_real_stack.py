"""Changes and erasures from intake's API reach the chain through real Kafka, the bridge
and Temporal: consent withdrawn stops sharing, new facts re-plan, an erasure closes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from chain_stack_support import ChainStack, TopicRecorder
from intake_support import IntakeUnderTest, fields_of, registration
from test_intake_on_real_stack import intake_on

from kette_core.contracts import chain as contract
from kette_core.contracts.vocabulary import ActorRole

pytestmark = pytest.mark.integration

NewTopic = Callable[..., Awaitable[str]]
STARTED = "kette.chain.started.v1"
ERASED = "kette.participant.erased.v1"


async def register(intake: IntakeUnderTest, headers: dict[str, str], **changes: object) -> str:
    """A person of 22 in Kamen, registered through the API."""
    born = date(datetime.now(UTC).year - 22, 5, 17)
    body = registration(personal={"birth_date": born.isoformat()}, **changes)
    answer = await intake.http.post("/api/participants", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    participant_id: str = answer.json()["participant_id"]
    return participant_id


async def started(chain_stack: ChainStack, participant_id: str) -> None:
    await chain_stack.wait_for(
        lambda: STARTED in chain_stack.chain.types_of(participant_id), "the chain to start"
    )


async def test_consent_withdrawn_in_intake_stops_sharing_on_the_chain(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    async with intake_on(chain_stack, await new_topic("access"), tmp_path) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        participant_id = await register(intake, caseworker)
        await started(chain_stack, participant_id)
        today = datetime.now(UTC).date().isoformat()

        withdrawn = await intake.http.post(
            f"/api/participants/{participant_id}/consents/share_with_providers/withdrawal",
            json={"withdrawn_on": today},
            headers=caseworker,
        )
        await chain_stack.wait_for(
            lambda: "kette.chain.sharing_stopped.v1" in chain_stack.chain.types_of(participant_id),
            "sharing to stop",
        )
        updated = await intake.http.patch(
            f"/api/participants/{participant_id}/profile",
            json={"language_level": "B2"},
            headers=caseworker,
        )
        await chain_stack.wait_for(
            lambda: (
                "kette.chain.profile_facts_updated.v1" in chain_stack.chain.types_of(participant_id)
            ),
            "the chain to take the new facts",
        )

    assert withdrawn.status_code == 201, withdrawn.text
    assert updated.status_code == 201, updated.text
    state = await chain_stack.state(participant_id)
    assert state.status == "active"
    types = chain_stack.chain.types_of(participant_id)
    assert types.count("kette.chain.sharing_stopped.v1") == 1


async def test_an_erasure_closes_the_chain_publishes_the_fact_and_leaves_404(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    settings = chain_stack.settings
    async with intake_on(chain_stack, await new_topic("access"), tmp_path) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        participant_id = await register(intake, caseworker)
        approached = await register(
            intake,
            caseworker,
            intent="approach",
            approach={"channel": "outreach", "outcome": "declined"},
            confirmed_not_duplicate=True,
        )
        await started(chain_stack, participant_id)

        erased = await intake.http.post(
            f"/api/participants/{participant_id}/erasure", json={}, headers=caseworker
        )
        erased_without_chain = await intake.http.post(
            f"/api/participants/{approached}/erasure", json={}, headers=caseworker
        )
        await chain_stack.wait_for(
            lambda: "kette.chain.closed.v1" in chain_stack.chain.types_of(participant_id),
            "the chain to close",
        )
        after = await intake.http.get(f"/api/participants/{participant_id}", headers=caseworker)

    participants = TopicRecorder(settings.kafka_bootstrap, settings.participants_topic)
    deadletters = TopicRecorder(settings.kafka_bootstrap, settings.deadletter_topic)
    for recorder in (participants, deadletters):
        await recorder.start()
    await chain_stack.wait_for(
        lambda: ERASED in participants.types_of(approached), "both erasures on the topic"
    )
    await chain_stack.wait_for(
        lambda: "bridge.erased_without_chain" in chain_stack.bridge.logs(),
        "the bridge to pass over the erasure of a person without a chain",
    )
    for recorder in (participants, deadletters):
        await recorder.stop()

    assert erased.status_code == 201, erased.text
    assert erased_without_chain.status_code == 201, erased_without_chain.text
    assert (after.status_code, fields_of(after)) == (404, ["participant_id"])
    assert participants.types_of(participant_id)[-1] == ERASED
    closed = [
        record.event.payload
        for record in chain_stack.chain.events_of(participant_id)
        if record.event is not None and isinstance(record.event.payload, contract.ChainClosed)
    ]
    assert [payload.reason for payload in closed] == [contract.ClosureReason.WITHDREW]
    assert closed[0].closed_by is not None and closed[0].closed_by.role == ActorRole.CASEWORKER
    assert (await chain_stack.state(participant_id)).status == "closed"
    assert deadletters.records == []  # the approached person had no chain: nothing to close
