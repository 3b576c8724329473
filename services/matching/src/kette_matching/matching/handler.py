"""The consumer's effect for a referral request: match, remember, stage the answer. No rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.matching import NoOfferFound, OffersProposed
from kette_core.contracts.vocabulary import AgeBand, Gender, LanguageLevel
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.ids import stable_event_id
from kette_core.outbox import add_to_outbox
from kette_matching.catalogue import repository
from kette_matching.catalogue.region import Region
from kette_matching.gaps.tables import GapRow
from kette_matching.matching.match import MatchResult, answer, match
from kette_matching.matching.need import Need
from kette_matching.matching.tables import AnswerRow
from kette_matching.matching.weights import MatchingRules
from kette_matching.participants.tables import ParticipantFactsRow

log = structlog.get_logger(__name__)

ANSWER_KEY = "kette.matching.answer"
"""One id per request whatever the answer, so a redelivered request cannot answer twice."""


def answer_event_id(request: ReferralRequested) -> str:
    """Stable across redeliveries and restarts: derived from participant and request id."""
    return stable_event_id(ANSWER_KEY, request.participant_id, request.request_id)


class RequestHandler:
    """Runs inside the inbox's transaction, so effect, answer and ce_id commit together."""

    def __init__(
        self,
        region: Region,
        rules: MatchingRules,
        source: str,
        topic: str,
        answer_since: datetime | None = None,
    ) -> None:
        self._region = region
        self._rules = rules
        self._source = source
        self._topic = topic
        self._answer_since = answer_since

    async def __call__(
        self, session: AsyncSession, event: ReceivedEvent[ReferralRequested]
    ) -> None:
        request = event.payload
        if self._answer_since is not None and event.time < self._answer_since:
            log.info("matching.request_before_start", request_id=request.request_id)
            return
        offers = await repository.offers(session, module=request.module, stage=request.stage)
        facts = await session.get(ParticipantFactsRow, request.participant_id)
        need = (
            Need.of(request, AgeBand(facts.age_band), Gender(facts.gender))
            if facts is not None
            else Need.of(request)
        )
        result = match(need, offers, self._region, self._rules, event.time.date())
        payload = answer(request, result)
        outgoing = new_event(payload, source=self._source, event_id=answer_event_id(request))
        await add_to_outbox(session, outgoing, self._topic)
        await session.merge(
            AnswerRow(
                request_id=request.request_id,
                participant_id=request.participant_id,
                event_id=outgoing.id,
                ce_type=payload.event_type,
                answered_at=datetime.now(UTC),
                explained=explained(result),
            )
        )
        if isinstance(payload, NoOfferFound):
            await session.merge(
                GapRow(
                    request_id=request.request_id,
                    requested_on=event.time.date(),
                    kommune=request.kommune,
                    module=request.module.value,
                    stage=request.stage.value,
                    target_language_level=_value(request.target_language_level),
                    gap_reasons=[reason.value for reason in payload.gap_reasons],
                )
            )
        proposed = len(payload.proposals) if isinstance(payload, OffersProposed) else 0
        log.info(
            "matching.answered",
            request_id=request.request_id,
            ce_type=payload.event_type,
            proposals=proposed,
        )


def explained(result: MatchResult) -> dict[str, Any]:
    """What the caseworker's screen shows: proposals and rejected offers, each with German text."""
    return {
        "proposals": [
            {
                "offer_id": r.offer.offer_id,
                "title": r.offer.title,
                "score": r.score,
                "starts_on": r.starts_on.isoformat(),
                "reasons": [reason.value for reason in r.reasons],
                "explanation_de": r.explanation_de,
            }
            for r in result.proposals
        ],
        "rejected": [r.model_dump(mode="json") for r in result.rejected],
        "gap_reasons": [gap.value for gap in result.gap_reasons],
    }


def _value(level: LanguageLevel | None) -> str | None:
    return None if level is None else level.value
