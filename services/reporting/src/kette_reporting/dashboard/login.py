"""`/anmelden` and `/abmelden`: the dashboard's login through intake, German on the screen."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kette_core.tokens import InvalidToken, verify_token
from kette_reporting.auth.intake_login import LoginFailed
from kette_reporting.auth.scope import READS_FIGURES
from kette_reporting.auth.session import CSRF_FIELD, DashboardSession, same_csrf
from kette_reporting.auth.wiring import ReaderAccess, access_of
from kette_reporting.dashboard.access import session_of
from kette_reporting.dashboard.pages import render

NOTICES = {
    "zeitablauf": "Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.",
    "abgemeldet": "Sie sind abgemeldet.",
}
STALE_FORM = "Das Formular war veraltet. Bitte melden Sie sich erneut an."
NOT_SET_UP = "Die Anmeldung ist nicht eingerichtet (kein Token-Schlüssel)."
NOT_FOR_ROLE = "Das Dashboard ist nur für Koordination, Prüfung und Verwaltung."


def login_router() -> APIRouter:
    """Login form, login and logout; screens only, so not in the OpenAPI document."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def home() -> Response:
        """The dashboard is the start page."""
        return RedirectResponse("/dashboard", status_code=303)

    @router.get("/anmelden", response_class=HTMLResponse)
    async def login_form(request: Request, weiter: str = "", grund: str = "") -> Response:
        """The login form; after a timeout or logout it says why she is here."""
        session = session_of(request)
        access = access_of(request)
        return _form(access, session, {}, "", weiter, NOTICES.get(grund), 200)

    @router.post("/anmelden", response_class=HTMLResponse)
    async def log_in(request: Request) -> Response:
        """Ask intake for her token; a valid figures reader's token starts the session."""
        session = session_of(request)
        access = access_of(request)
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        weiter = str(form.get("weiter", ""))
        errors: dict[str, str] = {}
        if not same_csrf(session, form.get(CSRF_FIELD)):
            errors["username"] = STALE_FORM
        if not username:
            errors["username"] = "Bitte geben Sie Ihren Benutzernamen ein."
        if not password:
            errors["password"] = "Bitte geben Sie Ihr Passwort ein."
        status = 400
        if not errors and access.secret is None:
            errors["username"], status = NOT_SET_UP, 503
        if not errors:
            try:
                token = await access.login.token(username, password)
                claims = verify_token(token, access.secret or b"")  # intake's, not forged
            except LoginFailed as failed:
                errors[failed.field], status = failed.message_de, failed.status
            except InvalidToken:
                errors["username"], status = NOT_SET_UP, 503
            else:
                if claims.role in READS_FIGURES:
                    answer = RedirectResponse(_local(weiter) or "/dashboard", status_code=303)
                    access.cookies.store(answer, access.cookies.signed_in(token))
                    return answer
                errors["username"], status = NOT_FOR_ROLE, 403
        return _form(access, session, errors, username, weiter, None, status)

    @router.post("/abmelden")
    async def log_out(request: Request) -> Response:
        """Forget the login in this browser (a form without this session's CSRF token: no)."""
        session = session_of(request)
        access = access_of(request)
        form = await request.form()
        if not same_csrf(session, form.get(CSRF_FIELD)):
            return _form(access, session, {"username": STALE_FORM}, "", "", None, 400)
        answer = RedirectResponse("/anmelden?grund=abgemeldet", status_code=303)
        access.cookies.store(answer, access.cookies.anonymous())
        return answer

    return router


def _form(
    access: ReaderAccess,
    session: DashboardSession,
    errors: dict[str, str],
    username: str,
    weiter: str,
    notice: str | None,
    status: int,
) -> HTMLResponse:
    kept = access.cookies.anonymous() if session.token is None else session
    page = render(
        "login.html.j2",
        title="Anmelden",
        errors=errors,
        username=username,
        weiter=_local(weiter) or "",
        notice=notice,
        csrf=kept.csrf,
        signed_in=False,
    )
    answer = HTMLResponse(page, status_code=status)
    access.cookies.store(answer, kept)
    return answer


def _local(path: str) -> str | None:
    """Only a path on this site: `weiter` must not send her elsewhere after login."""
    if path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return None
