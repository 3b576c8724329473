"""Matching's own API: try a need against the catalogue, and read an answer with its German text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, status
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_matching.catalogue import repository
from kette_matching.catalogue.region import Region
from kette_matching.matching.answers import explained
from kette_matching.matching.match import match
from kette_matching.matching.need import Need
from kette_matching.matching.tables import AnswerRow
from kette_matching.matching.weights import MatchingRules


def matching_router(
    sessions: async_sessionmaker[AsyncSession],
    region: Region,
    rules: MatchingRules,
    today: Callable[[], date],
) -> APIRouter:
    """Preview and answers."""
    router = APIRouter(tags=["matching"])

    @router.post("/matching/preview")
    async def preview(need: Need) -> dict[str, Any]:
        """What matching would propose now, and why each other offer of the module is out."""
        async with sessions() as session:
            offers = await repository.offers(session, module=need.module, stage=need.stage)
        return explained(match(need, offers, region, rules, today()))

    @router.get("/answers/{request_id}")
    async def get_answer(request_id: str) -> dict[str, Any]:
        """The answer to a referral request, with the explanations the event carries as codes."""
        async with sessions() as session:
            row = await session.get(AnswerRow, request_id)
        if row is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Keine Antwort zu dieser Anfrage")
        return {
            "request_id": row.request_id,
            "participant_id": row.participant_id,
            "event_id": row.event_id,
            "ce_type": row.ce_type,
            **row.explained,
        }

    return router
