"""Residence-status and consent events from intake change the chain, through real Kafka."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chain_stack_support import ChainStack, member

from kette_core.contracts import chain as contract
from kette_core.contracts import participants
from kette_core.contracts.vocabulary import Actor, ActorRole, PermitBasis, ResidenceStatus
from kette_core.envelope import new_event

pytestmark = pytest.mark.integration

CASEWORKER = Actor(role=ActorRole.CASEWORKER, actor_id="cw-4b1d2c")
STARTED = "kette.chain.started.v1"


async def publish_from_intake(
    chain_stack: ChainStack, payload: participants.ParticipantEvent
) -> None:
    """As intake would: on the participants topic, keyed by the participant."""
    await chain_stack.publisher.publish(
        new_event(payload, source="/kette/intake"), chain_stack.settings.participants_topic
    )


async def test_a_residence_permit_hands_the_case_over_to_the_jobcenter(
    chain_stack: ChainStack,
) -> None:
    person = member("a1_learner")
    participant_id = person.participant_id
    await chain_stack.register(person.registration)
    await chain_stack.wait_for(
        lambda: STARTED in chain_stack.chain.types_of(participant_id), "the chain to start"
    )

    await publish_from_intake(
        chain_stack,
        participants.ResidenceStatusChanged(
            participant_id=participant_id,
            previous_status=person.registration.residence_status,
            new_status=ResidenceStatus.AUFENTHALTSERLAUBNIS,
            permit_basis=PermitBasis.PARA_25A,
            removal_ordered=False,
            changed_on=datetime.now(UTC).date(),
            recorded_by=CASEWORKER,
        ),
    )
    await chain_stack.wait_for(
        lambda: "kette.chain.closed.v1" in chain_stack.chain.types_of(participant_id),
        "the chain to close",
    )

    closed = [
        record.event.payload
        for record in chain_stack.chain.events_of(participant_id)
        if record.event is not None and isinstance(record.event.payload, contract.ChainClosed)
    ]
    assert [payload.reason for payload in closed] == [contract.ClosureReason.HANDED_TO_JOBCENTER]
    assert (await chain_stack.state(participant_id)).status == "handed_over"


async def test_withdrawn_consent_stops_sharing_and_given_consent_resumes_it(
    chain_stack: ChainStack,
) -> None:
    person = member("a1_learner")
    participant_id = person.participant_id
    await chain_stack.register(person.registration)
    await chain_stack.wait_for(
        lambda: STARTED in chain_stack.chain.types_of(participant_id), "the chain to start"
    )
    today = datetime.now(UTC).date()
    scope = participants.ConsentScope.SHARE_WITH_PROVIDERS

    await publish_from_intake(
        chain_stack,
        participants.ConsentWithdrawn(
            participant_id=participant_id,
            scope=scope,
            withdrawn_on=today,
            recorded_by=CASEWORKER,
        ),
    )
    await chain_stack.wait_for(
        lambda: "kette.chain.sharing_stopped.v1" in chain_stack.chain.types_of(participant_id),
        "sharing to stop",
    )
    await publish_from_intake(
        chain_stack,
        participants.ConsentGiven(
            participant_id=participant_id, scope=scope, given_on=today, recorded_by=CASEWORKER
        ),
    )
    await chain_stack.wait_for(
        lambda: "kette.chain.sharing_resumed.v1" in chain_stack.chain.types_of(participant_id),
        "sharing to resume",
    )

    types = chain_stack.chain.types_of(participant_id)
    assert types.index("kette.chain.sharing_stopped.v1") < types.index(
        "kette.chain.sharing_resumed.v1"
    )
    assert types.count("kette.chain.sharing_stopped.v1") == 1
    assert (await chain_stack.state(participant_id)).status == "active"
