"""Login, CSRF and the idle timeout of the screens."""

from __future__ import annotations

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.web.session import COOKIE
from tests.component.intake.intake_web_support import WebUnderTest, field_error, heading
from tests.integration.intake.intake_support import PASSWORD


async def test_login_page_is_german_with_labelled_fields_and_a_skip_link(web: WebUnderTest) -> None:
    answer = await web.browser().get("/anmelden")

    assert answer.status_code == 200
    assert '<html lang="de">' in answer.text
    assert heading(answer.text) == "Anmelden"
    assert '<a class="skip-link" href="#inhalt">' in answer.text
    assert '<label for="f-username">' in answer.text and 'id="f-username"' in answer.text
    assert '<label for="f-password">' in answer.text and 'id="f-password"' in answer.text


async def test_a_caseworker_logs_in_to_her_caseload_with_a_hardened_cookie(
    web: WebUnderTest,
) -> None:
    browser = web.browser()
    answer = await browser.log_in(await web.account(ActorRole.CASEWORKER, ["Kamen"]))

    cookie = answer.headers["set-cookie"]
    assert answer.status_code == 303
    assert answer.headers["location"] == "/fallliste"
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert (await browser.get("/fallliste")).status_code == 200


async def test_a_wrong_password_is_refused_in_german_next_to_the_field(web: WebUnderTest) -> None:
    browser = web.browser()
    answer = await browser.log_in(await web.account(ActorRole.CASEWORKER, ["Kamen"]), "falsch")

    assert answer.status_code == 400
    assert field_error(answer.text, "f-password") == "Benutzername oder Passwort ist falsch."
    assert 'aria-describedby="f-password-fehler"' in answer.text
    assert 'role="alert"' in answer.text


async def test_the_login_form_is_throttled_after_five_wrong_passwords(web: WebUnderTest) -> None:
    username = await web.account(ActorRole.CASEWORKER, ["Kamen"])
    browser = web.browser()
    for _ in range(5):
        await browser.log_in(username, "falsch")

    answer = await browser.log_in(username)  # even the right password now waits

    assert answer.status_code == 429
    message = field_error(answer.text, "f-username") or ""
    assert message.startswith("Zu viele fehlgeschlagene Anmeldungen.")
    assert (await browser.get("/fallliste")).status_code == 303


async def test_a_form_without_the_csrf_token_is_refused_with_a_german_403(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get("/teilnehmende/neu")

    missing = await browser.post("/teilnehmende/neu", {"aktion": "speichern"}, csrf=False)
    wrong = await browser.post(
        "/teilnehmende/neu", {"csrf_token": "geraten", "aktion": "speichern"}, csrf=False
    )

    for answer in (missing, wrong):
        assert answer.status_code == 403
        assert heading(answer.text) == "Formular abgelehnt"
        assert "Es wurde nichts gespeichert." in answer.text
    assert await web.rows_count("participants") == 0


async def test_a_login_form_from_another_session_is_refused(web: WebUnderTest) -> None:
    username = await web.account(ActorRole.CASEWORKER, ["Kamen"])
    attacker, victim = web.browser(), web.browser()
    await attacker.get("/anmelden")
    await victim.get("/anmelden")

    answer = await victim.http.post(
        "/anmelden",
        data={"csrf_token": attacker.csrf(), "username": username, "password": "x" * 12},
    )

    assert answer.status_code == 403


async def test_an_idle_session_sends_her_back_to_login_with_a_german_notice(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    clock = web.clock()
    clock.advance(minutes=29)
    still_in = await browser.get("/fallliste")
    clock.advance(minutes=31)

    timed_out = await browser.get("/fallliste")
    login = await browser.get(timed_out.headers["location"])

    assert still_in.status_code == 200  # each request restarts the idle time
    assert timed_out.status_code == 303
    assert timed_out.headers["location"] == "/anmelden?weiter=%2Ffallliste&grund=zeitablauf"
    assert "nach längerer Inaktivität abgemeldet" in login.text
    assert (await browser.get("/fallliste")).status_code == 303


async def test_logout_ends_the_session(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get("/fallliste")

    answer = await browser.post("/abmelden", {})
    after = await browser.get("/fallliste")

    assert answer.headers["location"] == "/anmelden?grund=abgemeldet"
    assert after.status_code == 303
    assert after.headers["location"].startswith("/anmelden")


async def test_after_login_she_returns_to_the_page_she_asked_for_but_never_elsewhere(
    web: WebUnderTest,
) -> None:
    username = await web.account(ActorRole.CASEWORKER, ["Kamen"])
    browser = web.browser()
    await browser.get("/anmelden")
    local = await browser.post(
        "/anmelden", {"username": username, "password": PASSWORD, "weiter": "/teilnehmende/neu"}
    )
    other = web.browser()
    await other.get("/anmelden")
    foreign = await other.post(
        "/anmelden", {"username": username, "password": PASSWORD, "weiter": "//evil.example/"}
    )

    assert local.headers["location"] == "/teilnehmende/neu"
    assert foreign.headers["location"] == "/fallliste"


async def test_a_form_sent_after_the_timeout_leads_to_login_not_to_a_dead_end(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get("/teilnehmende/neu")
    web.clock().advance(minutes=31)

    answer = await browser.post("/teilnehmende/neu", {"aktion": "speichern"})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/anmelden?grund=zeitablauf"
    assert await web.rows_count("participants") == 0


async def test_an_admin_sees_no_cases(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.ADMIN, [])

    start = await browser.get("/")
    caseload = await browser.get("/fallliste")

    assert start.headers["location"] == "/verwaltung"
    assert caseload.status_code == 403
    assert heading(caseload.text) == "Keine Berechtigung"
