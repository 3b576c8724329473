"""Caseload, case view and decisions on the screen, over CaseService with the chain played by
the pure domain: names only for her Kommunen, refusals in German at their field."""

from __future__ import annotations

import httpx
import pytest

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.cases.problems import TEMPORAL_DOWN_DE
from kette_workflows.api import ChainStatus
from tests.component.intake.intake_web_support import (
    WebUnderTest,
    field_error,
    heading,
    register_through_form,
    registration_form,
    running_web,
    temporal_down,
)


async def test_her_caseload_lists_her_participants_by_name(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, browser)

    page = (await browser.get("/fallliste")).text

    assert heading(page) == "Fallliste"
    assert f'<a href="/faelle/{participant_id}">Amina Haddad</a>' in page
    assert "Sprache" in page  # the stage she works on, in German


async def test_the_case_shows_the_plan_with_german_reasons_tasks_and_timeline(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, browser)
    plan = web.chains.chains[participant_id].plan()

    page = (await browser.get(f"/faelle/{participant_id}")).text

    assert heading(page) == "Amina Haddad"
    for planned in plan.stages:
        assert planned.reason_de.replace('"', "&#34;") in page
    assert "Kette gestartet" in page
    assert 'id="entscheidung-pause-case"' in page


async def test_an_auditor_sees_cases_without_any_name(web: WebUnderTest) -> None:
    caseworker = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, caseworker)
    auditor = await web.signed_in(ActorRole.AUDITOR, [])

    caseload = await auditor.get("/fallliste")
    case = await auditor.get(f"/faelle/{participant_id}")

    assert caseload.status_code == case.status_code == 200
    assert participant_id in caseload.text
    for page in (caseload.text, case.text):
        assert "Amina" not in page and "Haddad" not in page
    assert heading(case.text) == f"Fall {participant_id}"
    assert "Entscheidungen" not in case.text


async def test_a_caseworker_of_another_kommune_gets_404(web: WebUnderTest) -> None:
    kamen = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, kamen)
    unna = await web.signed_in(ActorRole.CASEWORKER, ["Unna"])

    page = await unna.get(f"/faelle/{participant_id}")
    decision = await unna.post(
        f"/faelle/{participant_id}/pause_case", {"pause_case.reason": "other"}
    )
    caseload = await unna.get("/fallliste")

    assert page.status_code == decision.status_code == 404
    assert heading(page.text) == "Nicht gefunden"
    assert "Amina" not in page.text + decision.text + caseload.text
    assert web.chains.decided == []


async def test_a_decision_is_taken_and_the_case_says_so(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, browser)
    await browser.get(f"/faelle/{participant_id}")

    answer = await browser.post(
        f"/faelle/{participant_id}/pause_case",
        {"pause_case.reason": "childcare", "request_id": "form-1"},
    )
    page = await browser.get(answer.headers["location"])

    assert answer.status_code == 303
    assert web.chains.chains[participant_id].status == ChainStatus.PAUSED
    assert "Gespeichert: Fall ruhen lassen." in page.text
    assert "Fall ruht" in page.text  # the timeline moved
    assert 'id="entscheidung-resume-case"' in page.text


async def test_a_rejected_decision_shows_its_german_message_at_the_field_and_changes_nothing(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, browser)
    await browser.get(f"/faelle/{participant_id}")
    timeline = len(web.chains.chains[participant_id].timeline())

    answer = await browser.post(
        f"/faelle/{participant_id}/choose_other_offer",
        {  # the job stage is far from open
            "choose_other_offer.stage": "job",
            "choose_other_offer.offer_id": "vhs-unna-eigenes",
            "choose_other_offer.provider_id": "vhs-unna",
        },
    )

    assert answer.status_code == 422
    message = field_error(answer.text, "f-choose-other-offer-stage")
    assert message and message != "Diese Angabe wurde abgelehnt."
    assert "Nicht gespeichert." in answer.text
    assert len(web.chains.chains[participant_id].timeline()) == timeline
    assert web.chains.decided == []


async def test_a_decision_with_a_missing_field_is_refused_in_german(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, browser)
    await browser.get(f"/faelle/{participant_id}")

    answer = await browser.post(
        f"/faelle/{participant_id}/skip_stage", {"skip_stage.stage": "language"}
    )

    assert answer.status_code == 422
    assert field_error(answer.text, "f-skip-stage-reason") == "Angabe fehlt."
    assert web.chains.decided == []


async def test_an_auditor_cannot_take_a_decision(web: WebUnderTest) -> None:
    caseworker = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await register_through_form(web, caseworker)
    auditor = await web.signed_in(ActorRole.AUDITOR, [])
    await auditor.get("/fallliste")

    answer = await auditor.post(
        f"/faelle/{participant_id}/pause_case", {"pause_case.reason": "other"}
    )

    assert answer.status_code == 403
    assert web.chains.decided == []


async def test_with_temporal_down_the_pages_say_what_happens_next(tmp_path: object) -> None:
    async with running_web(f"sqlite+aiosqlite:///{tmp_path}/intake.db", temporal_down()) as web:
        browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
        await browser.get("/teilnehmende/neu")
        saved = await browser.post("/teilnehmende/neu", registration_form())
        confirmation = await browser.get(saved.headers["location"])
        caseload = await browser.get("/fallliste")

    assert saved.status_code == 303  # the registration is kept; the chain starts later
    assert "Die Kette startet, sobald" in confirmation.text
    assert caseload.status_code == 503
    assert heading(caseload.text) == "Die Kette ist gerade nicht erreichbar"
    assert TEMPORAL_DOWN_DE in caseload.text
    assert "die Kette startet, sobald Kafka und Temporal wieder laufen" in caseload.text
    assert "Traceback" not in caseload.text


async def test_a_coordinator_sees_the_cases_of_every_kommune_by_name(web: WebUnderTest) -> None:
    kamen = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    selm = await web.signed_in(ActorRole.CASEWORKER, ["Selm"])
    await register_through_form(web, kamen)
    await register_through_form(web, selm, kommune="Selm", **{"personal.given_name": "Yusuf"})
    coordinator = await web.signed_in(ActorRole.COORDINATOR, [])

    everything = (await coordinator.get("/fallliste")).text
    only_selm = (await coordinator.get("/fallliste", kommune="Selm")).text
    kamens_own = (await kamen.get("/fallliste")).text

    assert "Amina Haddad" in everything and "Yusuf Haddad" in everything
    assert "Yusuf Haddad" in only_selm and "Amina Haddad" not in only_selm
    assert "Yusuf" not in kamens_own


async def test_a_filter_outside_her_kommunen_is_refused_in_german(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])

    unknown_stage = await browser.get("/fallliste", stage="mond")
    other_kommune = await browser.get("/fallliste", kommune="Selm")

    assert unknown_stage.status_code == other_kommune.status_code == 422
    assert field_error(unknown_stage.text, "f-stage") == "Bitte einen der angebotenen Werte wählen."
    message = field_error(other_kommune.text, "f-kommune")
    assert message == "Diese Kommune gehört nicht zu Ihren Kommunen."


async def test_an_unforeseen_fault_shows_a_german_page_and_no_traceback(
    web: WebUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])

    async def broken(*_: object) -> None:
        raise RuntimeError("secret detail Amina Haddad")

    monkeypatch.setattr(web.parts.cases, "caseload", broken)
    transport = httpx.ASGITransport(app=web.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        http.cookies = browser.http.cookies
        answer = await http.get("/fallliste")

    assert answer.status_code == 500
    assert heading(answer.text) == "Ein Fehler ist aufgetreten"
    assert "Traceback" not in answer.text and "Amina" not in answer.text
