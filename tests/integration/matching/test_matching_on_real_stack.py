"""Registration to a held place on real Kafka and Temporal: the chain asks, matching answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from matching_stack_support import MatchingProcess

from kette_core.contracts import chain as contract
from kette_core.contracts.matching import OffersProposed
from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_devstack.scenario.player import ScenarioSettings
from kette_matching.catalogue.seed import seed_file
from kette_matching.matching.handler import answer_event_id
from kette_workflows.api import ConfirmOffer
from kette_workflows.temporal.connect import connect_temporal
from tests.integration.workflows.chain_stack_support import (
    ChainProcess,
    ChainStack,
    TopicRecorder,
    eventually,
    member,
    process_env,
)

pytestmark = pytest.mark.integration

NewTopic = Callable[..., Awaitable[str]]


@pytest.fixture
async def stack_with_matching(
    kafka_bootstrap: str,
    temporal_address: str,
    new_topic: NewTopic,
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[tuple[ChainStack, MatchingProcess, TopicRecorder]]:
    """Worker, bridge and matching as processes on topics and a task queue of their own."""
    settings = ScenarioSettings(
        kafka_bootstrap=kafka_bootstrap,
        temporal_address=temporal_address,
        task_queue=task_queue,
        bridge_group_id=f"kette.workflows.bridge.{task_queue}",
        participants_topic=await new_topic("participants"),
        matching_topic=await new_topic("matching"),
        provider_status_topic=await new_topic("provider-status"),
        chain_topic=await new_topic("chain"),
        deadletter_topic=await new_topic("deadletter"),
        pace_seconds=0,
    )
    client = await connect_temporal(settings)
    broker = build_broker(settings)
    await broker.start()
    env = process_env(settings)
    chain = TopicRecorder(kafka_bootstrap, settings.chain_topic)
    answers = TopicRecorder(kafka_bootstrap, settings.matching_topic)
    stack = ChainStack(
        settings,
        client,
        EventPublisher(broker),
        ChainProcess("worker", env, tmp_path),
        ChainProcess("bridge", env, tmp_path),
        chain,
    )
    matching = MatchingProcess(env, tmp_path, group_id=f"kette.matching.{task_queue}")
    try:
        await chain.start()
        await answers.start()
        await matching.start()
        await eventually(matching.ready, "matching to be ready")
        await stack.bridge.start()
        await stack.start_worker()
        yield stack, matching, answers
    finally:
        await matching.stop()
        await stack.bridge.stop()
        await stack.worker.stop()
        await answers.stop()
        await chain.stop()
        await broker.stop()
        query = f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Running'"
        async for execution in client.list_workflows(query):
            await client.get_workflow_handle(execution.id).terminate("test finished")


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
