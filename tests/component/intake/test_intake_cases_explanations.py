"""The case view gives matching's German reason for each proposed offer, read from matching's
stored answer; matching away or silent leaves the offer without it, never the page broken."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import httpx

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.cases.explanations import MatchingAnswers
from tests.component.intake.intake_web_support import running_web
from tests.component.intake.test_intake_cases_service import KAMEN, enrolled, propose

SENTENCE = "A2 erreicht, führt zu B1, Start in 12 Tagen, 8 km von Kamen, 16 Plätze frei"


def matching_answer(request_id: str) -> dict[str, object]:
    """What matching's GET /answers/{request_id} serves (kette_matching.matching.answers)."""
    return {
        "request_id": request_id,
        "participant_id": "p-1",
        "event_id": "e-1",
        "ce_type": "kette.matching.offers_proposed.v1",
        "proposals": [
            {
                "offer_id": "vhs-a2",
                "title": "Integrationskurs",
                "score": 0.8,
                "starts_on": "2026-03-16",
                "reasons": ["module_fits"],
                "explanation_de": SENTENCE,
            },
            {"offer_id": "vhs-a2-b", "title": "Kurs B", "score": 0.5, "reasons": []},
        ],
        "rejected": [],
        "gap_reasons": [],
    }


async def test_a_proposed_offer_carries_matchings_german_reason_on_the_case_page(
    tmp_path: Path,
) -> None:
    asked: list[str] = []

    async def explanations(request_id: str) -> Mapping[str, str]:
        asked.append(request_id)
        return {"vhs-a2": SENTENCE}

    url = f"sqlite+aiosqlite:///{tmp_path}/intake.db"
    async with running_web(url, explanations=explanations) as web:
        participant_id = await enrolled(web, "Amina")
        propose(web.chains.chains[participant_id], "vhs-a2", "vhs-a2-b")
        case = await web.parts.cases.case(KAMEN, participant_id)
        browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
        page = await browser.get(f"/faelle/{participant_id}")

    assert [(o.offer_id, o.explanation_de) for o in case.proposed_offers] == [
        ("vhs-a2", SENTENCE),
        ("vhs-a2-b", None),
    ]
    assert len(set(asked)) == 1  # one request answered both offers
    assert SENTENCE in page.text
    assert page.text.count("die Begründung des Matchings ist gerade nicht abrufbar") == 1


async def test_matchings_answer_is_read_once_and_an_unreachable_matching_gives_no_reason() -> None:
    calls: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        request_id = request.url.path.rsplit("/", 1)[-1]
        if request_id == "req-unknown":
            return httpx.Response(404, json={"detail": "Keine Antwort zu dieser Anfrage"})
        return httpx.Response(200, json=matching_answer(request_id))

    answers = MatchingAnswers("http://matching", transport=httpx.MockTransport(serve))

    def refuse(_: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    away = MatchingAnswers("http://matching", transport=httpx.MockTransport(refuse))
    try:
        first = await answers("req-1")
        again = await answers("req-1")
        unknown = await answers("req-unknown")
        unreachable = await away("req-1")
    finally:
        await answers.close()
        await away.close()

    assert first == again == {"vhs-a2": SENTENCE}
    assert calls == ["/answers/req-1", "/answers/req-unknown"]
    assert unknown == {} and unreachable == {}
