"""The bridge's handlers for intake's erasures and profile updates, on the time-skipping
Temporal server: what they ask of a chain, and that a redelivery asks nothing twice."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

sys.path.append(str(Path(__file__).parents[1] / "workflows"))  # chain_harness

from chain_harness import now_of, running_chain

from kette_core.consuming import PermanentFailure
from kette_core.contracts.base import EventPayload
from kette_core.contracts.participants import ErasureGround, ParticipantErased, ProfileUpdated
from kette_core.contracts.vocabulary import Actor, ActorRole, LanguageLevel
from kette_core.envelope import ReceivedEvent
from kette_workflows.temporal.bridge import Bridge
from tests.component.workflows.conftest import time_skipping_env
from tests.support.profiles import learner_profile

__all__ = ["time_skipping_env"]
pytestmark = pytest.mark.component

CASEWORKER = Actor(role=ActorRole.CASEWORKER, actor_id="cw-4b1d2c")


def received(payload: EventPayload, event_id: str | None = None) -> ReceivedEvent[Any]:
    """The event as the bridge's subscriber hands it over."""
    return ReceivedEvent(
        id=event_id or str(uuid.uuid4()),
        type=payload.event_type,
        source="/kette/intake",
        time=datetime.now(UTC),
        subject=payload.partition_key(),
        payload=payload,
    )


def erasure(participant_id: str, on: Any) -> ParticipantErased:
    return ParticipantErased(
        participant_id=participant_id,
        erased_on=on,
        ground=ErasureGround.DATA_SUBJECT_REQUEST,
        erased_by=CASEWORKER,
    )


async def test_an_erasure_closes_the_chain_once_even_when_redelivered(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    profile = learner_profile(today)
    bridge = Bridge(time_skipping_env.client)
    async with running_chain(time_skipping_env, profile) as driver:
        event = received(erasure(profile.participant_id, today))

        await bridge.participant_erased(event)
        await bridge.participant_erased(event)  # Kafka delivers at least once
        await bridge.participant_erased(received(erasure(profile.participant_id, today)))
        state = await driver.settled()
        kinds = driver.recorder.kinds()

    assert state.status == "closed"
    assert kinds.count("case_closed") == 1


async def test_an_erasure_of_a_person_without_a_chain_is_passed_over(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    bridge = Bridge(time_skipping_env.client)
    nobody = f"p-{uuid.uuid4()}"

    await bridge.participant_erased(received(erasure(nobody, today)))  # raises nothing

    with pytest.raises(PermanentFailure, match="no running chain"):
        await bridge.profile_updated(
            received(
                ProfileUpdated(
                    participant_id=nobody,
                    updated_on=today,
                    language_level=LanguageLevel.B1,
                    updated_by=CASEWORKER,
                )
            )
        )


async def test_a_profile_update_re_plans_once_and_a_known_fact_changes_nothing(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    today = (await now_of(time_skipping_env)).date()
    profile = learner_profile(today)
    bridge = Bridge(time_skipping_env.client)
    update = ProfileUpdated(
        participant_id=profile.participant_id,
        updated_on=today,
        language_level=LanguageLevel.C1,
        updated_by=CASEWORKER,
    )
    async with running_chain(time_skipping_env, profile) as driver:
        event = received(update)

        await bridge.profile_updated(event)
        await bridge.profile_updated(event)
        await bridge.profile_updated(received(update))  # same fact, new event: rejected quietly
        await driver.settled()
        kinds = driver.recorder.kinds()

    assert kinds.count("profile_facts_updated") == 1
