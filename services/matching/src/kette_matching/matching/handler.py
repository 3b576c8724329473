"""The consumer's effect for a referral request: queue it for a round, once. No rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import ReferralRequested
from kette_core.envelope import ReceivedEvent
from kette_matching.allocation import repository
from kette_matching.allocation.policy import AllocationRules
from kette_matching.allocation.rounds import Answering, run_round
from kette_matching.catalogue.region import Region
from kette_matching.matching.answers import ANSWER_KEY, answer_event_id, explained
from kette_matching.matching.weights import MatchingRules

__all__ = ["ANSWER_KEY", "RequestHandler", "answer_event_id", "explained"]

log = structlog.get_logger(__name__)


class RequestHandler:
    """Runs inside the inbox's transaction: the queued request commits with its ce_id.

    With `round_now` (the default) a round runs in the same transaction, so the answer
    commits with it too; the consumer passes False and runs one round per batch instead.
    """

    def __init__(
        self,
        region: Region,
        rules: MatchingRules,
        source: str,
        topic: str,
        answer_since: datetime | None = None,
        allocation: AllocationRules | None = None,
        round_now: bool = True,
    ) -> None:
        self.answering = Answering(region, rules, allocation or AllocationRules(), source, topic)
        self._answer_since = answer_since
        self._round_now = round_now

    async def __call__(
        self, session: AsyncSession, event: ReceivedEvent[ReferralRequested]
    ) -> None:
        """Queue the request unless it is queued or answered already (a republished one)."""
        await self.queue_all(session, [event])

    async def queue_all(
        self, session: AsyncSession, events: Sequence[ReceivedEvent[ReferralRequested]]
    ) -> None:
        """Queue a consumer batch's requests with one look-up for all, skipping republished ones."""
        since = self._answer_since
        wanted = []
        for event in events:
            if since is not None and event.time < since:
                log.info("matching.request_before_start", request_id=event.payload.request_id)
            else:
                wanted.append((event.payload, event.time))
        queued = await repository.stage_all(session, wanted)
        if queued and self._round_now:
            await run_round(session, self.answering)
