"""Subscriber side of the providers' reports topics: the same checks as the REST API."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.consuming import DeadLetters, EventHandlers
from kette_core.contracts.referrals import ProviderReport
from kette_core.envelope import ReceivedEvent
from kette_provider_gateway.metrics import Metrics
from kette_provider_gateway.problems import Refused
from kette_provider_gateway.referrals.repository import provider_active
from kette_provider_gateway.reports.rejections import RefusedRecord, Rejections
from kette_provider_gateway.reports.service import CONTRACT, accept, draft_from_event

log = structlog.get_logger(__name__)
_REPORTS_TOPIC = re.compile(r"^provider\.(?P<provider>[a-z0-9][a-z0-9-]*)\.reports\.v1$")


def provider_of(topic: str | None) -> str | None:
    """Whose reports topic a record came from: the broker's ACL vouches for the writer."""
    found = _REPORTS_TOPIC.fullmatch(topic or "")
    return found["provider"] if found else None


class ReportsFromKafka:
    """Each record is a contract event; its ce_id is the provider's report id."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        metrics: Metrics,
        source: str,
        status_topic: str,
        wake: Callable[[], None],
        dead_letters: Callable[[Rejections], DeadLetters],
    ) -> None:
        self._sessions = sessions
        self._metrics = metrics
        self._source = source
        self._status_topic = status_topic
        self._wake = wake
        self.rejections = Rejections(sessions, source, wake)
        self.dead_letters = dead_letters(self.rejections)
        """For records that are no valid report: dead-lettered, and their writer answered."""

    def handlers(self) -> EventHandlers:
        """One handler for every report type the contract allows on a reports topic."""
        handlers = EventHandlers()
        for model in set(CONTRACT.values()):
            handlers.add(model, self.on_report)
        return handlers

    async def on_report(self, event: ReceivedEvent[ProviderReport]) -> None:
        """Accept once, or log, count and answer the refusal; it never blocks the partition."""
        provider_id = provider_of(event.topic)
        try:
            if provider_id is None or event.payload.provider_id != provider_id:
                raise Refused(403, "provider_id", "not_your_topic", "report on your own topic")
            draft = draft_from_event(event.id, event.type, event.payload)
            async with self._sessions() as session, session.begin():
                if not await provider_active(session, provider_id):
                    raise Refused(403, "provider_id", "revoked", "this provider was revoked")
                receipt = await accept(
                    session,
                    provider_id,
                    draft,
                    source=self._source,
                    topic=self._status_topic,
                    now=datetime.now(UTC),
                )
        except Refused as refused:
            problem = refused.problem
            self._metrics.refused.labels(channel="kafka", reason=problem.reason).inc()
            log.warning(
                "gateway.report_refused",
                channel="kafka",
                provider_id=provider_id,
                event_id=event.id,
                field=problem.field,
                reason=problem.reason,
            )
            if provider_id is not None:
                refused_record = RefusedRecord(
                    provider_id, event.id, event.type, event.payload.referral_id
                )
                await self.rejections.send(refused_record, problem)
            return
        self._wake()
        outcome = "duplicate" if receipt.duplicate else "accepted"
        self._metrics.reports.labels(channel="kafka", outcome=outcome).inc()
