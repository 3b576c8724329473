"""Why matching proposed an offer, in German: matching keeps the sentence with its answer
(`GET /answers/{request_id}`); the event carries codes only, so the case view asks for it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping

import httpx
import structlog

log = structlog.get_logger(__name__)

Explanations = Callable[[str], Awaitable[Mapping[str, str]]]
"""A referral request's id -> {offer_id: German explanation}; empty when none is to be had."""


async def no_explanations(_: str) -> Mapping[str, str]:
    """Where matching's address is not configured."""
    return {}


class MatchingAnswers:
    """Reads matching's stored answers; an answer never changes, so each is fetched once.

    Matching unreachable, slow or without the answer: the case view shows the offers without
    their sentence rather than failing (nothing personal is sent or logged, only the ids)."""

    def __init__(
        self,
        base_url: str,
        *,
        seconds: float = 2.0,
        remembered: int = 1024,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=seconds, transport=transport
        )
        self._answers: OrderedDict[str, Mapping[str, str]] = OrderedDict()
        self._remembered = remembered

    async def __call__(self, request_id: str) -> Mapping[str, str]:
        if (known := self._answers.get(request_id)) is not None:
            return known
        try:
            answer = await self._http.get(f"/answers/{request_id}")
            answer.raise_for_status()
            sentences = explanations_of(answer.json())
        except (httpx.HTTPError, ValueError) as error:
            log.warning("intake.explanations_unavailable", request_id=request_id, error=str(error))
            return {}
        self._answers[request_id] = sentences
        while len(self._answers) > self._remembered:
            self._answers.popitem(last=False)
        return sentences

    async def close(self) -> None:
        await self._http.aclose()


def explanations_of(answer: object) -> dict[str, str]:
    """{offer_id: explanation_de} of the proposals in matching's answer; odd entries skipped."""
    proposals = answer.get("proposals") if isinstance(answer, dict) else None
    return {
        str(proposal["offer_id"]): str(proposal["explanation_de"])
        for proposal in proposals or []
        if isinstance(proposal, dict)
        and proposal.get("offer_id")
        and proposal.get("explanation_de")
    }
