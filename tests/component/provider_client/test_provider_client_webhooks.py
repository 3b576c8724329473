"""kette-provider's webhook receiver on a real local HTTP server, fed with deliveries signed
exactly as the gateway signs them: a valid one is handled once, anything forged, replayed
late or addressed elsewhere is refused and handled never."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kette_core.contracts.referrals import ReferralIssued
from kette_core.envelope import new_event
from kette_provider.events import Delivery, Referral
from kette_provider.webhooks import Answer, WebhookReceiver, serve
from kette_provider_gateway.webhooks.signing import new_secret, signed_headers, structured

pytestmark = pytest.mark.component

SECRETS = {"vhs-unna": new_secret(), "awo-unna": new_secret()}
EXAMPLE = ReferralIssued.model_json_schema()["examples"][0]


class Server:
    """The receiver behind `serve`, recording what it handed on."""

    def __init__(self) -> None:
        self.handled: list[tuple[str, Delivery]] = []
        self.receiver = WebhookReceiver(SECRETS, self._handle)
        self.url = ""

    async def _handle(self, provider_id: str, delivery: Delivery) -> None:
        self.handled.append((provider_id, delivery))

    async def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        return await self.receiver.receive(path, headers, body)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    made = Server()
    listening = await serve("127.0.0.1", 0, made.answer)
    made.url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    async with listening:
        yield made


def delivery(
    provider_id: str = "vhs-unna", event_id: str = "evt-1", age: timedelta = timedelta(0)
) -> tuple[str, dict[str, str]]:
    """Body and headers as the gateway's dispatcher sends them."""
    payload = ReferralIssued.model_validate({**EXAMPLE, "provider_id": provider_id})
    body = structured(new_event(payload, source="/kette/provider-gateway", event_id=event_id))
    headers = signed_headers(SECRETS[provider_id], event_id, body, datetime.now(UTC) - age)
    return body, headers


async def post(server: Server, path: str, body: str, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.post(path, content=body, headers=headers)


async def test_a_signed_delivery_is_handled_once_however_often_it_is_retried(
    server: Server,
) -> None:
    body, headers = delivery()
    async with httpx.AsyncClient(base_url=server.url) as client:  # one kept-alive connection
        answers = [
            await client.post("/webhooks/vhs-unna", content=body, headers=headers) for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.text for a in answers] == ["stored", "seen before", "seen before"]
    [(provider_id, handled)] = server.handled
    assert provider_id == "vhs-unna"
    assert isinstance(handled.data, Referral)
    assert handled.id == "evt-1"
    assert handled.data.referral_id == EXAMPLE["referral_id"]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ("tampered body", 401),
        ("older than five minutes", 401),
        ("another provider's endpoint", 401),
        ("no signature", 401),
        ("unknown provider", 404),
    ],
)
async def test_a_delivery_that_cannot_be_trusted_is_refused_and_not_handled(
    server: Server, change: str, status: int
) -> None:
    body, headers = delivery(age=timedelta(minutes=6) if "older" in change else timedelta(0))
    path = "/webhooks/vhs-unna"
    if change == "tampered body":
        body = body.replace('"A2"', '"C1"')
    elif change == "another provider's endpoint":
        path = "/webhooks/awo-unna"
    elif change == "no signature":
        del headers["webhook-signature"]
    elif change == "unknown provider":
        path = "/webhooks/caritas-unna"
    answer = await post(server, path, body, headers)
    assert answer.status_code == status, answer.text
    assert server.handled == []


async def test_a_get_is_not_a_delivery(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        answer = await client.get("/webhooks/vhs-unna")
    assert answer.status_code == 405
    assert server.handled == []
