"""An idle webhook dispatcher polls slowly, yet a scheduled retry goes out when it is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from gateway_component_support import ADMIN_TOKEN, Harness, Receiver, eventually

from kette_provider_gateway.webhooks.dispatcher import WebhookDispatcher

pytestmark = pytest.mark.component


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


async def test_a_retry_wakes_a_dispatcher_whose_idle_poll_is_a_minute_away(
    api: httpx.AsyncClient, harness: Harness, receiver: Receiver
) -> None:
    await harness.gateway.webhooks.stop()
    slow = WebhookDispatcher(
        harness.gateway.sessions,
        retry_after=timedelta(seconds=0.05),
        max_attempts=4,
        poll_interval=60,
        idle_interval=60,
    )
    answer = await api.put(
        "/admin/providers/alpha/webhook",
        json={"url": receiver.url("/alpha")},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert answer.status_code == 200, answer.text
    receiver.answers = [500]
    slow.start()
    try:
        await harness.refer("ref-1")
        slow.wake()  # what the chain handler's commit does for the gateway's own dispatcher
        # the first attempt fails; only the retry's own timer can bring the second in time
        await eventually(lambda: len(receiver.deliveries) == 2, "the retry")
    finally:
        await slow.stop()

    assert len({delivery.headers["webhook-id"] for delivery in receiver.deliveries}) == 1
