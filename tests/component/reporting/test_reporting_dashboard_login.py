"""The dashboard's German login through intake's real token endpoint (argon2, throttle),
its signed session cookie, Kommune scope on the page, and logout."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.app import create_app as intake_app
from kette_intake.auth.accounts import create_account
from kette_intake.wiring import Intake
from kette_reporting.app import build, create_app
from kette_reporting.auth.intake_login import IntakeLogin
from kette_reporting.auth.session import COOKIE
from kette_reporting.auth.wiring import ReaderAccess
from kette_reporting.database import migrate
from kette_reporting.settings import ReportingSettings
from tests.integration.intake.intake_support import PASSWORD, intake_settings, recorded_ports

pytestmark = pytest.mark.component

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Screens:
    """A browser-like client on reporting, and a way to make intake accounts."""

    browser: httpx.AsyncClient
    intake: Intake

    async def account(self, role: ActorRole, kommunen: list[str]) -> str:
        username = f"{role.value}-{uuid.uuid4().hex[:8]}"
        async with self.intake.sessions() as session, session.begin():
            await create_account(session, username, PASSWORD, role, kommunen)
        return username

    async def log_in(
        self, username: str, password: str = PASSWORD, weiter: str = ""
    ) -> httpx.Response:
        form = await self.browser.get("/anmelden")
        csrf = _CSRF.search(form.text)
        assert csrf is not None
        data = {"csrf_token": csrf[1], "username": username, "password": password, "weiter": weiter}
        return await self.browser.post("/anmelden", data=data)


@pytest.fixture
async def screens(tmp_path: Path) -> AsyncIterator[Screens]:
    settings = intake_settings(f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}")
    intake = intake_app(settings, recorded_ports())
    projection = f"sqlite+aiosqlite:///{tmp_path / 'reporting.db'}"
    await migrate(projection)
    async with intake.router.lifespan_context(intake):
        reporting = build(
            ReportingSettings(
                database_url=projection,
                consume=False,
                migrate_on_start=False,
                token_secret=settings.token_secret,
                intake_url="http://intake",
            )
        )
        to_intake = IntakeLogin("http://intake", transport=httpx.ASGITransport(app=intake))
        secret, cookies = reporting.access.secret, reporting.access.cookies
        reporting.access = ReaderAccess(secret, cookies, to_intake)
        transport = httpx.ASGITransport(app=create_app(reporting))
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as browser:
            yield Screens(browser, intake.state.intake)
        await reporting.engine.dispose()


async def test_the_dashboard_sends_a_stranger_to_the_german_login_and_back_afterwards(
    screens: Screens,
) -> None:
    coordinator = await screens.account(ActorRole.COORDINATOR, [])

    away = await screens.browser.get("/dashboard", params={"zeitraum": "2025"})
    form = await screens.browser.get(away.headers["location"])
    landed = await screens.log_in(coordinator, weiter="/dashboard?zeitraum=2025")
    page = await screens.browser.get(landed.headers["location"])
    download = await screens.browser.get("/reports/state?period=2025&format=csv")

    assert away.status_code == 303
    assert away.headers["location"] == "/anmelden?weiter=%2Fdashboard%3Fzeitraum%3D2025"
    assert '<html lang="de">' in form.text and '<label for="f-username">Benutzername' in form.text
    assert landed.status_code == 303 and landed.headers["location"] == "/dashboard?zeitraum=2025"
    assert page.status_code == 200 and 'id="abmelden"' in page.text
    assert "Angemeldet als" in page.text
    assert download.status_code == 200  # the page's download links ride on the session


async def test_a_wrong_password_is_named_in_german_next_to_the_field(screens: Screens) -> None:
    coordinator = await screens.account(ActorRole.COORDINATOR, [])

    answer = await screens.log_in(coordinator, "falsch")

    assert answer.status_code == 400
    assert 'id="f-password-fehler">Benutzername oder Passwort ist falsch.' in answer.text
    assert 'aria-invalid="true" aria-describedby="f-password-fehler"' in answer.text


async def test_intake_throttles_guessing_and_the_screen_says_so_in_german(screens: Screens) -> None:
    coordinator = await screens.account(ActorRole.COORDINATOR, [])

    for _ in range(5):
        await screens.log_in(coordinator, "geraten")
    answer = await screens.log_in(coordinator)

    assert answer.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen" in answer.text


async def test_a_caseworker_may_not_open_the_dashboard(screens: Screens) -> None:
    caseworker = await screens.account(ActorRole.CASEWORKER, ["Greven"])

    answer = await screens.log_in(caseworker)

    assert answer.status_code == 403
    assert "Das Dashboard ist nur für Koordination, Prüfung und Verwaltung." in answer.text


async def test_a_coordinator_of_one_kommune_sees_only_hers_and_is_refused_another(
    screens: Screens,
) -> None:
    coordinator = await screens.account(ActorRole.COORDINATOR, ["Greven"])
    await screens.log_in(coordinator)

    own = await screens.browser.get("/dashboard", params={"zeitraum": "2025"})
    other = await screens.browser.get(
        "/dashboard", params={"zeitraum": "2025", "kommune": "Rheine"}
    )

    assert own.status_code == 200
    assert '<option value="Greven" selected>' in own.text
    assert "alle Kommunen" not in own.text and "Rheine" not in own.text
    assert other.status_code == 403
    assert "Sie sehen nur die Zahlen Ihrer Kommunen: Greven." in other.text


async def test_logout_needs_the_sessions_form_and_then_the_dashboard_wants_a_login_again(
    screens: Screens,
) -> None:
    auditor = await screens.account(ActorRole.AUDITOR, [])
    await screens.log_in(auditor)
    page = await screens.browser.get("/dashboard", params={"zeitraum": "2025"})
    csrf = _CSRF.search(page.text)
    assert csrf is not None

    forged = await screens.browser.post("/abmelden", data={"csrf_token": "von woanders"})
    still = await screens.browser.get("/dashboard", params={"zeitraum": "2025"})
    out = await screens.browser.post("/abmelden", data={"csrf_token": csrf[1]})
    notice = await screens.browser.get(out.headers["location"])
    after = await screens.browser.get("/dashboard")

    assert forged.status_code == 400 and still.status_code == 200
    assert out.status_code == 303 and "Sie sind abgemeldet." in notice.text
    assert after.status_code == 303 and after.headers["location"].startswith("/anmelden")


async def test_a_forged_cookie_or_a_stale_form_logs_nobody_in(screens: Screens) -> None:
    coordinator = await screens.account(ActorRole.COORDINATOR, [])
    screens.browser.cookies.set(COOKIE, "eyJjIjoieCIsInQiOiJ5In0.gefaelscht")

    page = await screens.browser.get("/dashboard")
    stale = await screens.browser.post(
        "/anmelden", data={"csrf_token": "alt", "username": coordinator, "password": PASSWORD}
    )

    assert page.status_code == 303
    assert stale.status_code == 400 and "Das Formular war veraltet." in stale.text
