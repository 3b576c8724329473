"""A failed webhook delivery waits twice as long each time, up to an hour, then fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kette_provider_gateway.webhooks.service import DELIVERED, FAILED, PENDING, record
from kette_provider_gateway.webhooks.tables import DeliveryRow

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def pending() -> DeliveryRow:
    return DeliveryRow(
        provider_id="alpha",
        event_id="e-1",
        event_type="kette.referral.issued.v1",
        body="{}",
        created_at=T0,
        status=PENDING,
        next_attempt_at=T0,
    )


def test_each_failure_doubles_the_wait_up_to_an_hour() -> None:
    row = pending()
    waits = []
    for _ in range(12):
        record(row, 500, None, T0, timedelta(seconds=5), max_attempts=20)
        waits.append((row.next_attempt_at - T0).total_seconds())

    assert waits[:5] == [5, 10, 20, 40, 80]
    assert max(waits) == 3600
    assert row.status == PENDING


def test_the_last_allowed_failure_ends_in_failed_and_a_2xx_in_delivered() -> None:
    failing, answered = pending(), pending()
    for _ in range(3):
        record(failing, None, "ConnectError", T0, timedelta(seconds=5), max_attempts=3)
    record(answered, 202, None, T0, timedelta(seconds=5), max_attempts=3)

    assert (failing.status, failing.attempts, failing.last_error) == (FAILED, 3, "ConnectError")
    assert (answered.status, answered.delivered_at) == (DELIVERED, T0)
