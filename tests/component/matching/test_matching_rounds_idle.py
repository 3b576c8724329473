"""The rounds timer rests while no request is open, and a queued request starts it again."""

from __future__ import annotations

from typing import Any

import pytest
from matching_component_support import Harness, eventually, referral_request

from kette_matching.allocation.rounds import RoundReport

pytestmark = pytest.mark.component


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """A window, so only the timer's round (not the batch's) can answer the request."""
    return {"allocation": {"window_seconds": 0.2, "interval_seconds": 0.05}}


async def test_with_no_request_open_the_timer_stops_looking_until_one_is_queued(
    harness: Harness,
) -> None:
    rounds = harness.matching.rounds
    looks: list[RoundReport] = []
    run_due = rounds.run_due

    async def counted() -> RoundReport:
        looks.append(report := await run_due())
        return report

    rounds.run_due = counted  # type: ignore[method-assign]
    rounds.start()
    try:
        # the round clears `open_requests` inside its transaction; it is counted on return
        await eventually(
            lambda: bool(looks) and not rounds.open_requests.is_set(), "an empty first round"
        )
        looks_while_idle = len(looks)

        await harness.request(referral_request(request_id="req-1"))
        await eventually(lambda: len(harness.answers) == 1, "the timer's round")
        await eventually(lambda: not rounds.open_requests.is_set(), "nothing open again")
    finally:
        await rounds.stop()

    # the first timed round found nothing and no timed round followed until the request
    assert looks_while_idle == 1
    # the batch's round (inside the window) and the timer's rounds until the answer
    assert [report.answered for report in looks].count(1) == 1
