"""Who reads which figures: roles x endpoints x Kommune scope, with tokens intake's signer made.

Over an empty projection (authorisation, not figures, is under test), so the matrix is fast.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.app import new_key
from kette_reporting.app import Reporting, build, create_app
from kette_reporting.auth.session import COOKIE, SessionCookies
from kette_reporting.database import migrate
from kette_reporting.settings import ReportingSettings
from tests.component.reporting.reporting_auth_support import TOKEN_SECRET, bearer

pytestmark = pytest.mark.component

ENDPOINTS = (
    "/figures?period=2025",
    "/reports/state?period=2025&format=csv",
    "/unreadable",
)
READERS = (ActorRole.COORDINATOR, ActorRole.AUDITOR, ActorRole.ADMIN)


@pytest.fixture(scope="module")
async def projection(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('reporting') / 'reporting.db'}"
    await migrate(url)
    return url


async def _client(reporting: Reporting) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(reporting))
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as client:
        yield client
    await reporting.engine.dispose()


@pytest.fixture
async def api(projection: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = ReportingSettings(
        database_url=projection, consume=False, migrate_on_start=False, token_secret=TOKEN_SECRET
    )
    async for client in _client(build(settings)):
        yield client


def _problem(answer: httpx.Response) -> dict[str, str]:
    [problem] = answer.json()["detail"]
    return dict(problem)


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("case", "headers", "reason"),
    [
        ("no token", {}, "a bearer token is required"),
        ("not a bearer", {"Authorization": "Basic a29vcmRpbmF0aW9uOng="}, "a bearer token is"),
        ("garbage", {"Authorization": "Bearer not-a-jwt"}, "the bearer token is not valid"),
        ("other secret", bearer(ActorRole.ADMIN, secret=new_key()), "Signature verification"),
        (
            "expired",
            bearer(ActorRole.ADMIN, issued=datetime.now(UTC) - timedelta(hours=2)),
            "expired",
        ),
    ],
)
async def test_a_request_without_a_valid_token_is_401_naming_the_reason(
    api: httpx.AsyncClient, path: str, case: str, headers: dict[str, str], reason: str
) -> None:
    answer = await api.get(path, headers=headers)

    problem = _problem(answer)
    assert answer.status_code == 401, case
    assert answer.headers["www-authenticate"] == "Bearer"
    assert problem["field"] == "authorization" and reason in problem["reason"], problem


@pytest.mark.parametrize("path", ENDPOINTS)
async def test_a_caseworkers_valid_token_is_403_because_of_her_role(
    api: httpx.AsyncClient, path: str
) -> None:
    answer = await api.get(path, headers=bearer(ActorRole.CASEWORKER, ("Greven",)))

    problem = _problem(answer)
    assert answer.status_code == 403
    assert problem["field"] == "authorization"
    assert problem["reason"].startswith("role caseworker may not read figures")


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("role", READERS)
async def test_coordinators_auditors_and_admins_of_the_whole_ki_read_every_endpoint(
    api: httpx.AsyncClient, path: str, role: ActorRole
) -> None:
    answer = await api.get(path, headers=bearer(role))

    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("role", [ActorRole.AUDITOR, ActorRole.ADMIN])
async def test_auditors_and_admins_see_any_kommune_whatever_their_token_names(
    api: httpx.AsyncClient, role: ActorRole
) -> None:
    headers = bearer(role, ("Greven",))
    query = {"period": "2025", "kommune": "Rheine"}
    answer = await api.get("/figures", params=query, headers=headers)

    assert answer.status_code == 200 and answer.json()["kommune"] == "Rheine"


@pytest.mark.parametrize("path", ["/figures?period=2025", "/reports/state?period=2025&format=csv"])
async def test_a_coordinator_of_one_kommune_gets_its_figures_without_asking(
    api: httpx.AsyncClient, path: str
) -> None:
    answer = await api.get(path, headers=bearer(ActorRole.COORDINATOR, ("Greven",)))

    assert answer.status_code == 200
    if path.startswith("/figures"):
        assert answer.json()["kommune"] == "Greven"
    else:
        assert (
            'sachbericht-2025-01-01..2025-12-31-Greven.csv"'
            in answer.headers["content-disposition"]
        )


@pytest.mark.parametrize("path", ["/figures?period=2025", "/reports/state?period=2025&format=pdf"])
async def test_a_coordinator_asking_for_another_kommune_is_403_naming_the_field(
    api: httpx.AsyncClient, path: str
) -> None:
    answer = await api.get(
        path + "&kommune=Rheine", headers=bearer(ActorRole.COORDINATOR, ("Greven", "Emsdetten"))
    )

    problem = _problem(answer)
    assert answer.status_code == 403
    assert problem["field"] == "kommune"
    assert problem["reason"] == "'Rheine' is outside the Kommunen of this token (Greven, Emsdetten)"


async def test_a_coordinator_of_several_kommunen_names_one_of_them(
    api: httpx.AsyncClient,
) -> None:
    headers = bearer(ActorRole.COORDINATOR, ("Greven", "Emsdetten"))

    without = await api.get("/figures", params={"period": "2025"}, headers=headers)
    chosen = await api.get(
        "/figures", params={"period": "2025", "kommune": "Emsdetten"}, headers=headers
    )

    assert without.status_code == 403
    assert _problem(without)["field"] == "kommune"
    assert _problem(without)["reason"].startswith("required: this token sees only")
    assert chosen.status_code == 200 and chosen.json()["kommune"] == "Emsdetten"


async def test_the_unreadable_records_of_the_whole_ki_are_refused_to_a_scoped_coordinator(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.get("/unreadable", headers=bearer(ActorRole.COORDINATOR, ("Greven",)))

    assert answer.status_code == 403
    assert "not the whole KI" in _problem(answer)["reason"]


async def test_probes_stay_open_and_openapi_documents_the_bearer_scheme(
    api: httpx.AsyncClient,
) -> None:
    document = (await api.get("/openapi.json")).json()

    assert (await api.get("/healthz")).status_code == 200
    assert (await api.get("/readyz")).status_code == 200
    assert (await api.get("/metrics")).status_code == 200
    assert document["components"]["securitySchemes"]["intakeToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["intakeToken"]["description"],
    }
    figures = document["paths"]["/figures"]["get"]
    assert figures["security"] == [{"intakeToken": []}]
    assert {"401", "403"} <= set(figures["responses"])
    assert "security" not in document["paths"]["/healthz"]["get"]


async def test_without_a_token_secret_every_figure_is_closed_not_open(projection: str) -> None:
    settings = ReportingSettings(database_url=projection, consume=False, migrate_on_start=False)
    async for client in _client(build(settings)):
        answer = await client.get("/figures?period=2025", headers=bearer(ActorRole.ADMIN))

        assert answer.status_code == 503
        assert "no token secret" in _problem(answer)["reason"]


def test_a_mistyped_token_secret_stops_the_settings_naming_the_reason() -> None:
    with pytest.raises(ValueError, match="must decode to 32 bytes, not 3"):
        ReportingSettings(token_secret="YWJj")


async def test_an_expired_login_sends_the_dashboard_to_the_login_saying_why(
    api: httpx.AsyncClient,
) -> None:
    old = bearer(ActorRole.COORDINATOR, issued=datetime.now(UTC) - timedelta(hours=2))
    codec = SessionCookies(base64.b64decode(TOKEN_SECRET), secure=False)
    token = old["Authorization"].removeprefix("Bearer ")
    api.cookies.set(COOKIE, codec.encode(SessionCookies.signed_in(token)))

    away = await api.get("/dashboard", params={"zeitraum": "2025"})
    form = await api.get(away.headers["location"])

    assert away.status_code == 303
    assert away.headers["location"].endswith("&grund=zeitablauf")
    assert "Ihre Anmeldung ist abgelaufen." in form.text
