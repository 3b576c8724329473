"""A dev stack's new matching database leaves the requests a stand-in answered before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from matching_component_support import Harness, eventually, referral_request

pytestmark = pytest.mark.component

SINCE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"answer_requests_since": SINCE}


async def test_a_request_made_before_matching_began_is_left_unanswered_and_later_ones_answered(
    harness: Harness,
) -> None:
    await harness.request(referral_request(request_id="req-old"), time=SINCE - timedelta(hours=1))
    await harness.request(referral_request(request_id="req-new"), time=SINCE + timedelta(hours=1))
    await eventually(lambda: len(harness.answers) >= 1, "the answer to the newer request")

    assert [event.payload.request_id for event in harness.answers] == ["req-new"]  # type: ignore[attr-defined]
