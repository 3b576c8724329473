"""Through the real chain: the caseworker's confirmed referral reaches the provider, and the
provider's REST report, sent twice, moves the participant's chain once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from gateway_stack_support import (
    ADMIN_TOKEN,
    ProviderTopics,
    client_of,
    forget_groups,
    on_chain,
    provider_topics,
)

from kette_core.contracts import chain as contract
from kette_core.contracts.matching import OffersProposed, Proposal
from kette_core.envelope import new_event
from kette_devstack.kafka import KafkaNode
from kette_devstack.scenario.player import ScenarioSettings
from kette_provider_gateway.app import Gateway, build, start, stop
from kette_workflows.api import ConfirmOffer
from tests.integration.workflows.chain_stack_support import (
    ChainStack,
    TopicRecorder,
    member,
    running_chain,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def provider(kafka_node: KafkaNode) -> AsyncIterator[ProviderTopics]:
    async for made in provider_topics(kafka_node):
        yield made


@pytest.fixture
async def chain_with_gateway(
    chain_settings: ScenarioSettings, tmp_path: Path
) -> AsyncIterator[tuple[ChainStack, Gateway]]:
    """Worker and bridge as processes, the gateway in-process, all on private topics."""
    settings, task_queue = chain_settings, chain_settings.task_queue
    gateway = build(on_chain(settings, tmp_path))
    await start(gateway)
    try:
        async with running_chain(settings, tmp_path) as stack:
            yield stack, gateway
    finally:
        await stop(gateway)
        forget_groups(settings.kafka_bootstrap, f"kette.provider-gateway.{task_queue}")


async def test_a_providers_report_moves_the_chain_once(
    provider: ProviderTopics,  # first, so its topics outlive the gateway that reads them
    chain_with_gateway: tuple[ChainStack, Gateway],
    kafka_bootstrap: str,
) -> None:
    stack, gateway = chain_with_gateway
    to_provider = TopicRecorder(kafka_bootstrap, provider.referrals)
    await to_provider.start()
    try:
        async with client_of(gateway) as api:
            added = await api.post(
                "/admin/providers",
                json={"provider_id": provider.provider_id, "name": "Test provider"},
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
            key = added.json()["api_key"]
            learner = member("a1_learner")
            participant_id = learner.participant_id
            await stack.register(learner.registration)

            def chain_events(kind: type[contract.ChainEvent]) -> list[contract.ChainEvent]:
                payloads = [
                    r.event.payload for r in stack.chain.events_of(participant_id) if r.event
                ]
                return [p for p in payloads if isinstance(p, kind)]

            await stack.wait_for(
                lambda: bool(chain_events(contract.ReferralRequested)), "the referral request"
            )
            [request] = chain_events(contract.ReferralRequested)
            assert isinstance(request, contract.ReferralRequested)
            offer_id = f"{provider.provider_id}.kurs-{uuid.uuid4().hex[:6]}"
            answer = OffersProposed(
                participant_id=participant_id,
                request_id=request.request_id,
                stage=request.stage,
                module=request.module,
                proposals=(
                    Proposal(
                        offer_id=offer_id,
                        provider_id=provider.provider_id,
                        module=request.module,
                        score=0.9,
                    ),
                ),
            )
            await stack.publisher.publish(
                new_event(answer, source="/kette/matching"), stack.settings.matching_topic
            )
            await stack.wait_for(
                lambda: bool(chain_events(contract.OffersReceived)), "the offers to arrive"
            )
            await stack.chains.decide(
                participant_id,
                ConfirmOffer(stage=request.stage, offer_id=offer_id, caseworker_id="cw-4b1d2c"),
            )
            await stack.wait_for(
                lambda: bool(to_provider.events_of(participant_id)), "the referral at the provider"
            )
            [issued] = to_provider.events_of(participant_id)
            assert issued.ce_type == "kette.referral.issued.v1"
            assert issued.event is not None
            referral_id = issued.event.payload.referral_id  # type: ignore[attr-defined]

            body = {
                "type": "accepted",
                "report_id": "accept-1",
                "referral_id": referral_id,
                "occurred_on": datetime.now(UTC).date().isoformat(),
            }
            headers = {"Authorization": f"Bearer {key}"}
            answers = [await api.post("/api/reports", json=body, headers=headers) for _ in range(2)]
            assert [a.status_code for a in answers] == [201, 200], answers[0].text

            def accepted() -> list[contract.ChainEvent]:
                return [
                    o
                    for o in chain_events(contract.OutcomeRecorded)
                    if isinstance(o, contract.OutcomeRecorded)
                    and o.referral_id == referral_id
                    and o.outcome == contract.Outcome.ACCEPTED
                ]

            await stack.wait_for(lambda: bool(accepted()), "the chain to record the acceptance")
            await asyncio.sleep(1.0)  # the resend would have been signalled by now
            [outcome] = accepted()
            assert isinstance(outcome, contract.OutcomeRecorded)
            assert outcome.source == contract.OutcomeSource.PROVIDER
            assert not chain_events(contract.InputIgnored)
    finally:
        await to_provider.stop()
