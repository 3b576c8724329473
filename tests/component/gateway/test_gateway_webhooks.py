"""Webhooks against a real local HTTP receiver: signed, retried, in order, redeliverable."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from gateway_component_support import ADMIN_TOKEN, Harness, Receiver, eventually, settle
from standardwebhooks import Webhook, WebhookVerificationError

from kette_provider_gateway.referrals.service import issued_event_id
from kette_provider_gateway.webhooks.signing import signed_headers

pytestmark = pytest.mark.component

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


async def hook(api: httpx.AsyncClient, provider_id: str, url: str) -> str:
    """Point the provider's webhook at `url`; returns the signing secret."""
    answer = await api.put(
        f"/admin/providers/{provider_id}/webhook", json={"url": url}, headers=ADMIN
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["secret"])


async def test_a_referral_reaches_the_webhook_as_a_signed_structured_cloudevent(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    secret = await hook(api, "alpha", receiver.url("/alpha"))

    await harness.refer("ref-1")
    await eventually(lambda: len(receiver.deliveries) == 1, "the delivery")

    [delivery] = receiver.deliveries
    document = Webhook(secret).verify(delivery.body, delivery.headers)
    assert delivery.headers["content-type"] == "application/cloudevents+json"
    assert delivery.headers["webhook-id"] == issued_event_id("ref-1") == document["id"]
    assert document["specversion"] == "1.0"
    assert document["type"] == "kette.referral.issued.v1"
    assert document["data"]["referral_id"] == "ref-1"
    log = await delivery_log_once_settled(api, "alpha")
    assert [(d["status"], d["attempts"], d["last_status"]) for d in log] == [("delivered", 1, 204)]
    assert log[0]["lag_seconds"] >= 0


async def test_a_tampered_or_stale_delivery_fails_the_receivers_verification(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    secret = await hook(api, "alpha", receiver.url("/alpha"))
    await harness.refer("ref-1")
    await eventually(lambda: len(receiver.deliveries) == 1, "the delivery")
    [delivery] = receiver.deliveries
    message_id = delivery.headers["webhook-id"]

    tampered = delivery.body.replace("ref-1", "ref-2")
    stale = signed_headers(
        secret, message_id, delivery.body, datetime.now(UTC) - timedelta(hours=1)
    )

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, delivery.headers)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(delivery.body, stale)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 44).verify(delivery.body, delivery.headers)


async def test_a_failing_receiver_gets_the_same_message_again_until_it_answers(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    await hook(api, "alpha", receiver.url("/alpha"))
    receiver.answers = [500, 503]

    await harness.refer("ref-1")
    await eventually(lambda: len(receiver.deliveries) == 3, "two retries")
    log = await delivery_log_once_settled(api, "alpha")
    # the dispatcher counts an attempt only after committing its outcome, so a 'delivered'
    # in the log may still be uncounted for a moment
    await eventually(lambda: attempts(harness, "delivered") == 1.0, "the delivery counted")

    assert len({d.headers["webhook-id"] for d in receiver.deliveries}) == 1
    assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 3)]
    metrics = (await api.get("/metrics")).text
    assert 'kette_gateway_webhook_attempts_total{outcome="pending"} 2.0' in metrics
    assert 'kette_gateway_webhook_attempts_total{outcome="delivered"} 1.0' in metrics


async def test_a_receiver_that_never_answers_well_ends_failed_after_the_last_attempt(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    await hook(api, "alpha", receiver.url("/alpha"))
    receiver.answers = [500] * 10

    await harness.refer("ref-1")
    await eventually(lambda: len(receiver.deliveries) == 4, "four attempts")
    log = await delivery_log_once_settled(api, "alpha")
    await settle()

    assert [(d["status"], d["attempts"], d["last_status"]) for d in log] == [("failed", 4, 500)]
    assert len(receiver.deliveries) == 4


async def test_a_later_event_waits_while_an_earlier_one_of_the_same_provider_is_retried(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    await hook(api, "alpha", receiver.url("/alpha"))
    receiver.answers = [500, 500]

    await harness.refer("ref-1")
    await harness.refer("ref-2")
    await eventually(lambda: len(receiver.deliveries) == 4, "both delivered")

    order = [json.loads(d.body)["data"]["referral_id"] for d in receiver.deliveries]
    assert order == ["ref-1", "ref-1", "ref-1", "ref-2"]


async def test_redelivery_from_a_time_resends_one_providers_events_and_nobody_elses(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    await hook(api, "alpha", receiver.url("/alpha"))
    await hook(api, "beta", receiver.url("/beta"))
    await harness.refer("ref-old", "alpha")
    await eventually(lambda: len(receiver.at("/alpha")) == 1, "the old delivery")
    since = datetime.now(UTC)
    await harness.refer("ref-1", "alpha")
    await harness.refer("ref-2", "beta")
    await eventually(lambda: len(receiver.deliveries) == 3, "first deliveries")
    # a redelivery asked for while ref-1's first outcome is still being recorded would be
    # overwritten by that outcome: redeliver only once the log shows it delivered
    await delivery_log_once_settled(api, "alpha")

    answer = await api.post(
        "/admin/providers/alpha/webhook/redeliver",
        json={"since": since.isoformat()},
        headers=ADMIN,
    )
    await eventually(lambda: len(receiver.at("/alpha")) == 3, "the redelivery")
    await settle()

    assert answer.json() == {"redelivering": 1}
    ids = [d.headers["webhook-id"] for d in receiver.at("/alpha")]
    assert ids == [issued_event_id("ref-old"), issued_event_id("ref-1"), issued_event_id("ref-1")]
    assert len(receiver.at("/beta")) == 1


async def test_a_redelivery_asked_for_while_the_event_is_on_its_way_sends_it_again(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    await hook(api, "alpha", receiver.url("/alpha"))
    since = datetime.now(UTC)
    receiver.held["/alpha"] = threading.Event()
    try:
        await harness.refer("ref-1")
        await eventually(lambda: len(receiver.at("/alpha")) == 1, "the delivery on its way")
        answer = await api.post(
            "/admin/providers/alpha/webhook/redeliver",
            json={"since": since.isoformat()},
            headers=ADMIN,
        )
    finally:
        receiver.held.pop("/alpha").set()
    await eventually(lambda: len(receiver.at("/alpha")) == 2, "the redelivery")
    log = await delivery_log_once_settled(api, "alpha")

    assert answer.json() == {"redelivering": 1}
    ids = {d.headers["webhook-id"] for d in receiver.at("/alpha")}
    assert ids == {issued_event_id("ref-1")}
    assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 1)]


@pytest.mark.parametrize(
    ("provider_id", "url", "status"),
    [("nobody", "http://127.0.0.1:9/x", 404), ("alpha", "ftp://example.org/x", 422)],
)
async def test_a_webhook_for_an_unknown_provider_or_a_non_http_url_is_refused(
    api: httpx.AsyncClient, provider_id: str, url: str, status: int
) -> None:
    answer = await api.put(
        f"/admin/providers/{provider_id}/webhook", json={"url": url}, headers=ADMIN
    )

    assert answer.status_code == status


async def test_a_receiver_that_hangs_delays_neither_other_providers_nor_the_gateways_writes(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    await hook(api, "alpha", receiver.url("/alpha"))
    await hook(api, "beta", receiver.url("/beta"))
    receiver.held["/alpha"] = threading.Event()
    try:
        await harness.refer("ref-a", "alpha")
        await eventually(lambda: len(receiver.at("/alpha")) == 1, "alpha's hanging delivery")

        await harness.refer("ref-b", "beta")
        await eventually(lambda: len(receiver.at("/beta")) == 1, "beta's delivery meanwhile")
        beta = await delivery_log_once_settled(api, "beta")
        assert [d["status"] for d in beta] == ["delivered"]
    finally:
        receiver.held["/alpha"].set()
    alpha = await delivery_log_once_settled(api, "alpha")
    assert [(d["status"], d["attempts"]) for d in alpha] == [("delivered", 1)]


def attempts(harness: Harness, outcome: str) -> float | None:
    """How many webhook attempts the gateway counted with this outcome."""
    return harness.gateway.metrics.registry.get_sample_value(
        "kette_gateway_webhook_attempts_total", {"outcome": outcome}
    )


async def delivery_log_once_settled(api: httpx.AsyncClient, provider_id: str) -> list[Any]:
    """The provider's delivery log once nothing in it is pending any more."""
    for _ in range(100):
        log = (
            await api.get(f"/admin/providers/{provider_id}/webhook/deliveries", headers=ADMIN)
        ).json()
        if all(d["status"] != "pending" for d in log):
            return list(log)
        await settle()
    raise AssertionError(f"{provider_id}'s deliveries still pending: {log}")


async def test_a_webhook_set_after_referrals_went_out_receives_the_open_ones_once(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    await harness.refer("ref-early")

    await hook(api, "alpha", receiver.url("/alpha"))
    await eventually(lambda: len(receiver.at("/alpha")) == 1, "the open referral's delivery")
    await hook(api, "alpha", receiver.url("/alpha-new"))
    await settle()

    [delivery] = receiver.deliveries
    assert delivery.headers["webhook-id"] == issued_event_id("ref-early")
    assert json.loads(delivery.body)["data"]["referral_id"] == "ref-early"
    log = await delivery_log_once_settled(api, "alpha")
    assert [(d["event_id"], d["status"]) for d in log] == [
        (issued_event_id("ref-early"), "delivered")
    ]
