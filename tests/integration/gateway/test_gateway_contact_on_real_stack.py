"""The claim check on real components: intake served by uvicorn on SQLite, the gateway with
its chain consumer, both on the real broker. The provider's read arrives on the access topic
without personal data; after the consent is withdrawn the read is refused and not recorded."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from gateway_stack_support import (
    ADMIN_TOKEN,
    ProviderTopics,
    client_of,
    forget_groups,
    provider_topics,
)

from kette_core.contracts.access import PiiRead
from kette_core.contracts.vocabulary import ActorRole
from kette_core.envelope import new_event
from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_core.settings import KetteSettings
from kette_devstack.kafka import KafkaNode
from kette_intake.app import Ports, create_app
from kette_intake.auth.accounts import create_account
from kette_intake.wiring import Intake
from kette_provider_gateway.app import Gateway, build, start, stop
from kette_provider_gateway.referrals.tables import ReferralRow
from kette_provider_gateway.settings import GatewaySettings
from tests.component.gateway.gateway_component_support import confirmed_referral, requested
from tests.integration.intake.intake_support import (
    PASSWORD,
    always_ready,
    intake_settings,
    registration,
)
from tests.integration.workflows.chain_stack_support import TopicRecorder, eventually

pytestmark = pytest.mark.integration

NewTopic = Callable[..., Awaitable[str]]
SERVICE_TOKEN = "gateway-to-intake-token-for-tests"
PERSONAL = ("Amina", "Haddad", "2307", "Kurdish", "2004-07-19", "Am Markt")


@pytest.fixture
async def provider(kafka_node: KafkaNode) -> AsyncIterator[ProviderTopics]:
    async for made in provider_topics(kafka_node):
        yield made


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@asynccontextmanager
async def served_intake(
    tmp_path: Path, kafka_bootstrap: str, access_topic: str, participants_topic: str
) -> AsyncIterator[tuple[str, Intake]]:
    """Intake under uvicorn on a free port, its relay sending to the real broker."""
    settings = intake_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        kafka_bootstrap=kafka_bootstrap,
        access_topic=access_topic,
        participants_topic=participants_topic,
        gateway_token=SERVICE_TOKEN,
    )
    app = create_app(settings, Ports(checks={"temporal": always_ready}))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    await eventually(lambda: server.started or serving.done(), "intake serving")
    assert server.started, "intake did not start"
    try:
        yield f"http://127.0.0.1:{port}", app.state.intake
    finally:
        server.should_exit = True
        await serving


@pytest.fixture
async def stack(
    tmp_path: Path, kafka_bootstrap: str, new_topic: NewTopic
) -> AsyncIterator[tuple[str, Intake, Gateway]]:
    """Intake (served) and the gateway that asks it, each with topics of its own."""
    run = uuid.uuid4().hex[:8]
    access = await new_topic("access")
    participants = await new_topic("participants")
    async with served_intake(tmp_path, kafka_bootstrap, access, participants) as (url, intake):
        settings = GatewaySettings(
            kafka_bootstrap=kafka_bootstrap,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
            chain_topic=await new_topic("chain", partitions=3),
            provider_status_topic=await new_topic("provider-status"),
            deadletter_topic=await new_topic("deadletter"),
            group_id=f"kette.provider-gateway.test-{run}",
            reports_group_id=f"kette.provider-gateway.test-{run}-reports",
            admin_token=ADMIN_TOKEN,
            intake_url=url,
            intake_token=SERVICE_TOKEN,
        )
        gateway = build(settings)
        await start(gateway)
        try:
            yield access, intake, gateway
        finally:
            await stop(gateway)
            forget_groups(kafka_bootstrap, f"kette.provider-gateway.test-{run}")


async def _registered(intake_url: str, intake: Intake) -> tuple[str, dict[str, str]]:
    """A consenting participant registered over intake's HTTP API; the caseworker's header."""
    username = f"cw-{uuid.uuid4().hex[:8]}"
    async with intake.sessions() as session, session.begin():
        await create_account(session, username, PASSWORD, ActorRole.CASEWORKER, ["Kamen"])
    async with httpx.AsyncClient(base_url=intake_url) as http:
        login = {"username": username, "password": PASSWORD}
        token = (await http.post("/api/token", json=login)).json()["access_token"]
        caseworker = {"Authorization": f"Bearer {token}"}
        answer = await http.post("/api/participants", json=registration(), headers=caseworker)
    assert answer.status_code == 201, answer.text
    participant_id: str = answer.json()["participant_id"]
    return participant_id, caseworker


async def _access_rows(intake: Intake) -> int:
    """Access events intake ever staged: the outbox is their only way to Kafka."""
    async with intake.sessions() as session:
        connection = await session.connection()
        result = await connection.exec_driver_sql(
            "SELECT count(*) FROM outbox WHERE ce_type = 'kette.access.pii_read.v1'"
        )
        return int(result.scalar_one())


async def test_a_providers_contact_read_is_granted_recorded_on_the_access_topic_then_refused(
    stack: tuple[str, Intake, Gateway], provider: ProviderTopics, kafka_bootstrap: str
) -> None:
    access_topic, intake, gateway = stack
    intake_url = gateway.settings.intake_url
    participant_id, caseworker = await _registered(intake_url, intake)
    access = TopicRecorder(kafka_bootstrap, access_topic)
    chain = build_broker(KetteSettings(kafka_bootstrap=kafka_bootstrap, service="test"))
    await chain.start()
    await access.start()
    try:
        async with client_of(gateway) as api:
            added = await api.post(
                "/admin/providers",
                json={"provider_id": provider.provider_id, "name": "Test provider"},
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
            assert added.status_code == 201, added.text
            as_provider = {"Authorization": f"Bearer {added.json()['api_key']}"}
            referral_id = f"{participant_id}:ref:1"
            for payload in (
                requested(participant_id=participant_id),
                confirmed_referral(referral_id, provider.provider_id, participant_id),
            ):
                event = new_event(payload, source="/kette/workflows")
                await EventPublisher(chain).publish(event, gateway.settings.chain_topic)

            async def referral_known() -> bool:
                async with gateway.sessions() as session:
                    return await session.get(ReferralRow, referral_id) is not None

            await eventually(referral_known, "the referral at the gateway")

            granted = await api.get(f"/api/v1/referrals/{referral_id}/contact", headers=as_provider)

            assert granted.status_code == 200, granted.text
            assert granted.json()["given_name"] == "Amina"
            assert granted.json()["phone"] == "+49 2307 555 0101"
            await eventually(lambda: bool(access.events_of(participant_id)), "the access event")
            [record] = access.events_of(participant_id)
            assert record.ce_type == "kette.access.pii_read.v1"
            assert record.event is not None and isinstance(record.event.payload, PiiRead)
            read = record.event.payload
            assert read.actor.role == ActorRole.PROVIDER
            assert read.actor.actor_id == f"prov-{provider.provider_id}"
            assert read.purpose == "referral_contact"
            assert record.value is not None
            raw = record.value.decode() + json.dumps(record.event.payload.model_dump(mode="json"))
            for personal in PERSONAL:
                assert personal not in raw

            async with httpx.AsyncClient(base_url=intake_url) as http:
                withdrawn = await http.post(
                    f"/api/participants/{participant_id}/consents/share_with_providers/withdrawal",
                    json={"withdrawn_on": datetime.now(UTC).date().isoformat()},
                    headers=caseworker,
                )
            assert withdrawn.status_code == 201, withdrawn.text

            refused = await api.get(f"/api/v1/referrals/{referral_id}/contact", headers=as_provider)

            assert refused.status_code == 403, refused.text
            assert refused.json()["detail"][0]["reason"] == "no_consent"
            assert await _access_rows(intake) == 1
    finally:
        await access.stop()
        await chain.stop()
