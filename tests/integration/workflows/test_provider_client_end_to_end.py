"""End to end on the real stack: `kette-provider` (the CLI, as a process) receives a referral
over Kafka or as a signed webhook, and its reports (reports topic or REST) move the chain.

Worker and bridge run as processes, the gateway's app behind a real HTTP server; every topic,
queue and provider is the test's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from kette_core.contracts import chain as contract
from kette_core.contracts.matching import OffersProposed, Proposal
from kette_core.envelope import new_event
from kette_devstack.kafka import KafkaNode
from kette_devstack.ports import free_port
from kette_provider_gateway.app import build, create_app
from kette_workflows.api import ConfirmOffer
from tests.integration.gateway.gateway_stack_support import (
    ADMIN_TOKEN,
    ProviderTopics,
    forget_groups,
    on_chain,
    provider_topics,
)
from tests.integration.workflows.chain_stack_support import ChainStack, member

pytestmark = pytest.mark.integration

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@contextlib.asynccontextmanager
async def gateway_over_http(stack: ChainStack, tmp_path: Path) -> AsyncIterator[str]:
    """The gateway's app (its lifespan starts consumers and relay) on a free local port."""
    settings = stack.settings
    port = free_port()
    gateway = build(on_chain(settings, tmp_path, webhook_retry_seconds=0.2))
    config = uvicorn.Config(create_app(gateway), host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        await stack.wait_for(lambda: server.started or serving.done(), "the gateway to listen")
        assert server.started, "the gateway did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving
        forget_groups(settings.kafka_bootstrap, f"kette.provider-gateway.{settings.task_queue}")


@contextlib.asynccontextmanager
async def kette_provider(args: list[str], log: Path) -> AsyncIterator[Path]:
    """`kette-provider ARGS` as its own process group; its output in `log`."""
    command = shutil.which("kette-provider", path=str(Path(sys.executable).parent))
    assert command is not None, "kette-provider is not installed in this venv"
    with log.open("w") as output:
        process = await asyncio.to_thread(
            subprocess.Popen,
            [command, *args],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, 10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            await asyncio.to_thread(process.wait)


async def confirm_an_offer_of(stack: ChainStack, provider_id: str) -> str:
    """A new participant's first request answered with the provider's offer, confirmed."""
    learner = member("a1_learner")
    participant_id = learner.participant_id
    await stack.register(learner.registration)

    def chain_events(kind: type[contract.ChainEvent]) -> list[contract.ChainEvent]:
        found = [r.event.payload for r in stack.chain.events_of(participant_id) if r.event]
        return [p for p in found if isinstance(p, kind)]

    await stack.wait_for(lambda: bool(chain_events(contract.ReferralRequested)), "the request")
    [request] = chain_events(contract.ReferralRequested)
    assert isinstance(request, contract.ReferralRequested)
    offer_id = f"{provider_id}.kurs-{uuid.uuid4().hex[:6]}"
    proposal = Proposal(offer_id=offer_id, provider_id=provider_id, module=request.module, score=1)
    answer = OffersProposed(
        participant_id=participant_id,
        request_id=request.request_id,
        stage=request.stage,
        module=request.module,
        proposals=(proposal,),
    )
    await stack.publisher.publish(
        new_event(answer, source="/kette/matching"), stack.settings.matching_topic
    )
    decision = ConfirmOffer(stage=request.stage, offer_id=offer_id, caseworker_id="cw-4b1d2c")
    await stack.wait_for(lambda: bool(chain_events(contract.OffersReceived)), "the offers")
    await stack.chains.decide(participant_id, decision)
    return participant_id


def outcomes(stack: ChainStack, participant_id: str) -> list[tuple[str, str]]:
    """(referral id, outcome) of every outcome the chain recorded, in order."""
    found = [r.event.payload for r in stack.chain.events_of(participant_id) if r.event]
    return [
        (o.referral_id or "", o.outcome.value)
        for o in found
        if isinstance(o, contract.OutcomeRecorded)
    ]


async def test_kette_provider_on_kafka_and_on_webhooks_receives_referrals_and_moves_chains(
    chain_stack: ChainStack, kafka_node: KafkaNode, tmp_path: Path
) -> None:
    stack = chain_stack
    async for on_kafka in provider_topics(kafka_node):
        async for on_webhooks in provider_topics(kafka_node):
            async with gateway_over_http(stack, tmp_path) as url:
                await _play(stack, url, {"kafka": on_kafka, "webhooks": on_webhooks}, tmp_path)


async def _play(
    stack: ChainStack, url: str, providers: dict[str, ProviderTopics], tmp_path: Path
) -> None:
    """Register both providers, run one kette-provider each, refer one person to each."""
    async with contextlib.AsyncExitStack() as running, httpx.AsyncClient(base_url=url) as api:
        for door, topics in providers.items():
            args = await _arguments(api, url, door, topics.provider_id, stack)
            log = tmp_path / f"kette-provider-{door}.log"
            running.callback(  # runs once the process has stopped and left its group
                forget_groups, stack.settings.kafka_bootstrap, f"provider.{topics.provider_id}."
            )
            await running.enter_async_context(kette_provider(args, log))
        people = {
            door: await confirm_an_offer_of(stack, topics.provider_id)
            for door, topics in providers.items()
        }

        def completed() -> bool:
            return all(
                any(o == "completed" for _, o in outcomes(stack, person))
                for person in people.values()
            )

        await stack.wait_for(completed, "both chains to record their provider's reports")
    for door, person in people.items():
        printed = (tmp_path / f"kette-provider-{door}.log").read_text()
        [referral_id] = {referral for referral, _ in outcomes(stack, person)}
        assert f"referral {referral_id} → {providers[door].provider_id}" in printed
        assert [o for _, o in outcomes(stack, person)] == [
            "accepted",
            "enrolled",
            "attendance",
            "passed",
            "completed",
        ], printed


async def _arguments(
    api: httpx.AsyncClient, url: str, door: str, provider_id: str, stack: ChainStack
) -> list[str]:
    """Register the provider (and its webhook) as an admin; the command line that serves it."""
    added = await api.post(
        "/admin/providers", json={"provider_id": provider_id, "name": "VHS"}, headers=ADMIN
    )
    assert added.status_code == 201, added.text
    common = ["--provider", provider_id, "--api-key", added.json()["api_key"]]
    common += ["--gateway", url, "--auto", "--pace", "0", "--drop-out-rate", "0"]
    if door == "kafka":
        return ["listen", "--kafka", stack.settings.kafka_bootstrap, *common]
    port = free_port()
    hook = await api.put(
        f"/admin/providers/{provider_id}/webhook",
        json={"url": f"http://127.0.0.1:{port}/webhooks/{provider_id}"},
        headers=ADMIN,
    )
    assert hook.status_code == 200, hook.text
    return [
        "serve-webhooks",
        "--port",
        str(port),
        "--webhook-secret",
        hook.json()["secret"],
        *common,
    ]
