"""Who opens the dashboard: the session cookie's token, verified; else login or a German 403."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kette_core.tokens import TokenClaims
from kette_reporting.auth.bearer import verified_reader
from kette_reporting.auth.scope import Refusal
from kette_reporting.auth.session import COOKIE, DashboardSession
from kette_reporting.auth.wiring import access_of
from kette_reporting.dashboard.pages import render


class LoginRequired(Exception):
    """No valid login: off to the login form, back here afterwards."""

    def __init__(self, weiter: str, expired: bool) -> None:
        super().__init__("login required")
        self.weiter = weiter
        self.expired = expired


class PageRefused(Exception):
    """Logged in, but not allowed: a German page saying why."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


def session_of(request: Request) -> DashboardSession:
    """This request's session, kept on request.state for the page's logout form."""
    session = access_of(request).cookies.load(request.cookies.get(COOKIE))
    request.state.dashboard_session = session
    return session


def page_reader(request: Request) -> TokenClaims:
    """The verified reader of one page request; LoginRequired or PageRefused otherwise."""
    session = session_of(request)
    try:
        return verified_reader(access_of(request).secret, session.token)
    except Refusal as refusal:
        if refusal.status == 401:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(here, expired=session.token is not None) from None
        raise PageRefused(refusal) from None


ViewsDashboard = Annotated[TokenClaims, Depends(page_reader)]


def install(app: FastAPI) -> None:
    """The dashboard's answers to a missing login and to a refusal."""

    @app.exception_handler(LoginRequired)
    async def to_login(_: Request, error: LoginRequired) -> Response:
        query = {"weiter": error.weiter, **({"grund": "zeitablauf"} if error.expired else {})}
        return RedirectResponse(f"/anmelden?{urlencode(query)}", status_code=303)

    @app.exception_handler(PageRefused)
    async def refused(request: Request, error: PageRefused) -> Response:
        session = getattr(request.state, "dashboard_session", None)
        page = render(
            "refused.html.j2",
            title="Kein Zugriff",
            message=error.refusal.message_de,
            csrf=session.csrf if session else "",
            signed_in=bool(session and session.token),
        )
        return HTMLResponse(page, status_code=error.refusal.status)
