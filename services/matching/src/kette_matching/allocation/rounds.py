"""An allocation round: every open request ranked, places allocated jointly, each one answered.

A round runs at the end of each consumer batch (so a batch's requests compete for places
together) and every `interval_seconds` for requests left over or still inside their window;
with none open the timer rests until the consumer queues one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.vocabulary import AgeBand, Gender
from kette_matching.allocation import repository
from kette_matching.allocation.greedy import greedy
from kette_matching.allocation.joint import joint
from kette_matching.allocation.plan import plan_round
from kette_matching.allocation.policy import AllocationRules, Policy
from kette_matching.allocation.problem import Allocation, Problem
from kette_matching.catalogue import repository as catalogue
from kette_matching.catalogue.models import Offer
from kette_matching.catalogue.region import Region
from kette_matching.matching.answers import record_answer
from kette_matching.matching.need import Need
from kette_matching.matching.weights import MatchingRules
from kette_matching.participants.tables import ParticipantFactsRow

log = structlog.get_logger(__name__)

ALLOCATORS: dict[Policy, Callable[[Problem], Allocation]] = {
    Policy.JOINT: joint,
    Policy.GREEDY: greedy,
}


@dataclass(frozen=True)
class Answering:
    """What a round needs besides the database: region, rules, and where answers go."""

    region: Region
    rules: MatchingRules
    allocation: AllocationRules
    source: str
    topic: str


@dataclass(frozen=True)
class RoundReport:
    """How many requests a round answered and how many of them got a place."""

    answered: int
    placed: int


async def run_round(session: AsyncSession, answering: Answering) -> RoundReport:
    """Answer every open request, in the caller's transaction."""
    await repository.lock_round(session)
    rows = await repository.open_requests(session)
    if not rows:
        return RoundReport(0, 0)
    requests = [ReferralRequested.model_validate(row.request) for row in rows]
    days = [_utc(row.requested_at).date() for row in rows]
    today = max(days)
    offers = await _offers_left(session, today)
    needs = await _needs(session, requests)
    allocate = ALLOCATORS[answering.allocation.policy]
    plan = plan_round(needs, days, offers, answering.region, answering.rules, allocate)
    kept = []
    for request, result, day in zip(requests, plan.answers, days, strict=True):
        kept += await record_answer(
            session, request, result, day, answering.source, answering.topic
        )
    session.add_all(kept)
    await repository.dequeue(session, [row.request_id for row in rows])
    held = [(row, offer_id) for row, offer_id in zip(rows, plan.chosen, strict=True) if offer_id]
    session.add_all(repository.reservations(held, today, answering.allocation.reservation_days))
    log.info(
        "matching.round",
        policy=answering.allocation.policy.value,
        requests=len(rows),
        placed=plan.allocation.placed,
    )
    return RoundReport(len(rows), plan.allocation.placed)


async def _offers_left(session: AsyncSession, today: date) -> list[Offer]:
    """The catalogue with running reservations counted as taken places."""
    reserved = await repository.reserved_per_offer(session, today)
    return [
        offer.model_copy(
            update={"places_taken": offer.places_taken + reserved.get(offer.offer_id, 0)}
        )
        for offer in await catalogue.offers(session)
    ]


async def _needs(session: AsyncSession, requests: Sequence[ReferralRequested]) -> list[Need]:
    """Each request's need, with age band and gender where registrations told them."""
    ids = {request.participant_id for request in requests}
    statement = select(ParticipantFactsRow).where(col(ParticipantFactsRow.participant_id).in_(ids))
    facts = {row.participant_id: row for row in (await session.exec(statement)).all()}
    needs = []
    for request in requests:
        known = facts.get(request.participant_id)
        needs.append(
            Need.of(request, AgeBand(known.age_band), Gender(known.gender))
            if known is not None
            else Need.of(request)
        )
    return needs


def _utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Rounds:
    """Runs rounds for the consumer: after a batch that queued requests, and on a timer."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        answering: Answering,
        on_answered: Callable[[], None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._answering = answering
        self._on_answered = on_answered
        self._task: asyncio.Task[None] | None = None
        self._one_at_a_time = asyncio.Lock()
        self.pending = False
        """Set when a request was queued since the last round."""
        self.open_requests = asyncio.Event()
        """Set while requests are open (or before the first round knows); the timer waits
        on it, so an idle service runs no round and no query every interval."""
        self.open_requests.set()

    async def run_due(self) -> RoundReport:
        """A round over every open request, once the oldest has waited out the window."""
        window = timedelta(seconds=self._answering.allocation.window_seconds)
        async with self._one_at_a_time:
            self.pending = False
            async with self._sessions() as session, session.begin():
                oldest = await repository.oldest_waiting(session)
                self._note_open(oldest is not None)
                if oldest is None or datetime.now(UTC) - _utc(oldest) < window:
                    return RoundReport(0, 0)
                report = await run_round(session, self._answering)
        if report.answered:
            self._on_answered()
        return report

    async def after_batch(self) -> None:
        """A round if the batch queued requests; a failure leaves them queued for the timer."""
        if not self.pending:
            return
        try:
            await self.run_due()
        except Exception as error:  # the requests stay open; the next round takes them
            self.pending = True
            self.open_requests.set()
            log.warning("matching.round_failed", error=f"{type(error).__name__}: {error}")

    def start(self) -> None:
        """Rounds every `interval_seconds` until stopped."""
        if self._task is None:
            self._task = asyncio.create_task(self._every_interval(), name="matching-rounds")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def _note_open(self, any_open: bool) -> None:
        """Requests are queued only by this consumer, which asks for a round right after, so
        a round that finds none open can stop the timer until one does."""
        if any_open:
            self.open_requests.set()
        else:
            self.open_requests.clear()

    async def _every_interval(self) -> None:
        while True:
            await self.open_requests.wait()
            await asyncio.sleep(self._answering.allocation.interval_seconds)
            self.pending = True
            await self.after_batch()
