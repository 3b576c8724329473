"""Registration to a held place on real Kafka and Temporal: the chain asks, matching answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from matching_stack_support import MatchingProcess

from kette_core.contracts import chain as contract
from kette_core.contracts.matching import OffersProposed
from kette_devstack.scenario.player import ScenarioSettings
from kette_matching.catalogue.seed import seed_file
from kette_matching.matching.handler import answer_event_id
from kette_workflows.api import ConfirmOffer
from tests.integration.workflows.chain_stack_support import (
    ChainStack,
    TopicRecorder,
    eventually,
    member,
    process_env,
    running_chain,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def stack_with_matching(
    chain_settings: ScenarioSettings, tmp_path: Path
) -> AsyncIterator[tuple[ChainStack, MatchingProcess, TopicRecorder]]:
    """Worker, bridge and matching as processes on topics and a task queue of their own."""
    settings = chain_settings
    answers = TopicRecorder(settings.kafka_bootstrap, settings.matching_topic)
    group_id = f"kette.matching.{settings.task_queue}"
    matching = MatchingProcess(process_env(settings), tmp_path, group_id=group_id)
    await answers.start()
    try:
        await matching.start()
        await eventually(matching.ready, "matching to be ready")
        async with running_chain(settings, tmp_path) as stack:
            yield stack, matching, answers
    finally:
        await matching.stop()
        await answers.stop()


async def test_a_registered_learner_gets_explained_offers_and_the_confirmed_one_holds_a_place(
    stack_with_matching: tuple[ChainStack, MatchingProcess, TopicRecorder],
) -> None:
    stack, matching, answers = stack_with_matching
    learner = member("a1_learner")
    participant_id = learner.participant_id

    await stack.register(learner.registration)

    def received() -> list[contract.OffersReceived]:
        payloads = [r.event.payload for r in stack.chain.events_of(participant_id) if r.event]
        return [p for p in payloads if isinstance(p, contract.OffersReceived)]

    try:
        await stack.wait_for(lambda: bool(received()), "the chain to receive offers")
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- matching\n{matching.logs()}") from None
    [offers] = received()
    # our own reader of matching's topic is no part of that path: wait for it too
    await eventually(lambda: bool(answers.events_of(participant_id)), "the answer read back")
    [request] = [
        r.event.payload
        for r in stack.chain.events_of(participant_id)
        if r.event and isinstance(r.event.payload, contract.ReferralRequested)
    ]
    [answer] = [r for r in answers.events_of(participant_id)]
    assert answer.event is not None and isinstance(answer.event.payload, OffersProposed)
    assert answer.ce_id == answer_event_id(request)
    assert offers.request_id == request.request_id
    seeded = {offer.offer_id for offer in seed_file().offers}
    assert set(offers.offer_ids) <= seeded
    assert list(offers.offer_ids) == [p.offer_id for p in answer.event.payload.proposals]
    status, explained = await matching.get(f"/answers/{request.request_id}")
    assert status == 200
    assert all(p["explanation_de"] for p in explained["proposals"])

    chosen = offers.offer_ids[0]
    _, before = await matching.get(f"/offers/{chosen}")
    await stack.chains.decide(
        participant_id, ConfirmOffer(stage=offers.stage, offer_id=chosen, caseworker_id="cw-4b1d2c")
    )

    async def place_held() -> bool:
        _, offer = await matching.get(f"/offers/{chosen}")
        return bool(offer["places_taken"] == before["places_taken"] + 1)

    await eventually(place_held, "the confirmed referral to hold a place")
