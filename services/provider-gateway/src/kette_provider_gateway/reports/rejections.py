"""A refused report from a provider's topic is answered on its referrals topic, once per record.

REST callers read the refusal in the response; a Kafka writer has no response, so it gets a
`kette.referral.report_refused.v1` through the outbox, with an id derived from the refused
record's ce_id: a redelivered or resent record yields the same event, which the outbox stages
once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.consuming import DeadLetters, RawRecord
from kette_core.contracts.referrals import ReportRefusalReason, ReportRefused
from kette_core.envelope import InvalidEvent, OutgoingEvent, new_event, readable_header
from kette_core.ids import stable_event_id
from kette_core.outbox import add_to_outbox
from kette_core.publishing import EventPublisher
from kette_provider_gateway.problems import Problem

log = structlog.get_logger(__name__)
_MAX_FIELD = 200
_MAX_MESSAGE = 500


@dataclass(frozen=True)
class RefusedRecord:
    """What the gateway could read of a refused record: whose topic, which ce_id, about what."""

    provider_id: str
    report_id: str
    report_type: str | None = None
    referral_id: str | None = None


def rejection_event_id(provider_id: str, report_id: str) -> str:
    """One answer per refused record of a provider, however often it arrives."""
    return stable_event_id(ReportRefused.event_type, provider_id, report_id)


def rejection(
    refused: RefusedRecord, problem: Problem, source: str, now: datetime
) -> OutgoingEvent[ReportRefused] | None:
    """The answer, or None where there is nothing to say (a copy of it being handled now)."""
    try:
        reason = ReportRefusalReason(problem.reason)
        payload = ReportRefused(
            provider_id=refused.provider_id,
            report_id=refused.report_id,
            report_type=refused.report_type,
            referral_id=refused.referral_id,
            reason=reason,
            field=problem.field[:_MAX_FIELD] or "record",
            message=problem.message[:_MAX_MESSAGE],
        )
    except (ValueError, ValidationError):
        log.warning(
            "gateway.rejection_not_sent", provider_id=refused.provider_id, reason=problem.reason
        )
        return None
    event_id = rejection_event_id(refused.provider_id, refused.report_id)
    return new_event(payload, source=source, event_id=event_id, time=now)


class Rejections:
    """Stages answers in their own transaction (the refused one was rolled back), then wakes."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        source: str,
        wake: Callable[[], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._source = source
        self._wake = wake
        self._clock = clock

    async def send(self, refused: RefusedRecord, problem: Problem) -> bool:
        """True if this refusal was staged now, False if answered before or not answerable."""
        answer = rejection(refused, problem, self._source, self._clock())
        if answer is None:
            return False
        async with self._sessions() as session, session.begin():
            staged = await add_to_outbox(session, answer)
        if staged:
            self._wake()
            log.info(
                "gateway.rejection_staged",
                provider_id=refused.provider_id,
                ce_id=answer.id,
                reason=problem.reason,
            )
        return staged


class AnsweringDeadLetters(DeadLetters):
    """Dead-letters a reports-topic record that is no valid event, and answers its writer."""

    def __init__(
        self,
        publisher: EventPublisher,
        source: str,
        topic: str | None,
        rejections: Rejections,
        provider_of: Callable[[str | None], str | None],
    ) -> None:
        super().__init__(publisher, source, topic)
        self._rejections = rejections
        self._provider_of = provider_of

    async def record(self, record: RawRecord, consumer_group: str, invalid: InvalidEvent) -> None:
        """The operators' dead letter first; then the provider's answer, if the ce_id is known."""
        await super().record(record, consumer_group, invalid)
        provider_id = self._provider_of(record.topic)
        report_id = readable_header(record.headers, "ce_id")
        if provider_id is None or not report_id:
            return
        problem = Problem(field=invalid.where, reason="invalid_event", message=invalid.problem)
        refused = RefusedRecord(
            provider_id, report_id, report_type=readable_header(record.headers, "ce_type")
        )
        await self._rejections.send(refused, problem)
