"""An answer as it is kept: the row with German explanations, the outbox event, the gap."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import structlog
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.matching import NoOfferFound, OffersProposed
from kette_core.contracts.vocabulary import LanguageLevel
from kette_core.envelope import new_event
from kette_core.ids import stable_event_id
from kette_core.outbox import add_to_outbox
from kette_matching.gaps.tables import GapRow
from kette_matching.matching.match import MatchResult, answer
from kette_matching.matching.tables import AnswerRow

log = structlog.get_logger(__name__)

ANSWER_KEY = "kette.matching.answer"
"""One id per request whatever the answer, so a redelivered request cannot answer twice."""


def answer_event_id(request: ReferralRequested) -> str:
    """Stable across redeliveries and restarts: derived from participant and request id."""
    return stable_event_id(ANSWER_KEY, request.participant_id, request.request_id)


async def record_answer(
    session: AsyncSession,
    request: ReferralRequested,
    result: MatchResult,
    requested_on: date,
    source: str,
    topic: str,
) -> list[SQLModel]:
    """Stage the contract event in the caller's transaction; the rows the screens show.

    The caller adds the rows (a round adds all of them at once, so they are written in one
    go at commit, not flushed before each outbox insert). Added, not merged: a round answers
    only queued requests, and `stage_all` queues none twice.
    """
    payload = answer(request, result)
    outgoing = new_event(payload, source=source, event_id=answer_event_id(request))
    await add_to_outbox(session, outgoing, topic)
    rows: list[SQLModel] = [
        AnswerRow(
            request_id=request.request_id,
            participant_id=request.participant_id,
            event_id=outgoing.id,
            ce_type=payload.event_type,
            answered_at=datetime.now(UTC),
            explained=explained(result),
        )
    ]
    if isinstance(payload, NoOfferFound):
        rows.append(
            GapRow(
                request_id=request.request_id,
                requested_on=requested_on,
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
    return rows


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
