"""Login and logout through the accounts, argon2 hashes and throttle the API uses."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.auth.accounts import authenticate
from kette_intake.web.pages import page, redirect
from kette_intake.web.session import Form, Session, SignedIn, cookies
from kette_intake.wiring import Intake, intake

router = APIRouter(include_in_schema=False)
Parts = Annotated[Intake, Depends(intake)]
TIMED_OUT = "Sie wurden nach längerer Inaktivität abgemeldet. Bitte melden Sie sich erneut an."
LOGGED_OUT = "Sie sind abgemeldet."


@router.get("/")
async def home(request: Request, session: Session) -> Response:
    """Her start page: the caseload, or the login form."""
    if session.principal is None:
        return redirect(request, "/anmelden")
    return redirect(request, start_of(session.principal.role))


def start_of(role: ActorRole) -> str:
    """Admins manage accounts, everybody else works from the caseload."""
    return "/verwaltung" if role is ActorRole.ADMIN else "/fallliste"


@router.get("/anmelden")
async def login_form(
    request: Request, session: Session, grund: str = "", weiter: str = ""
) -> Response:
    """The login form; after a timeout it says why she is here."""
    notice = {"zeitablauf": TIMED_OUT, "abgemeldet": LOGGED_OUT}.get(grund)
    if session.expired:
        notice = TIMED_OUT
    return page(request, "login.html", title="Anmelden", notice=notice, weiter=weiter, errors={})


@router.post("/anmelden")
async def log_in(request: Request, form: Form, parts: Parts) -> Response:
    """Check the password (throttled per username) and start a new session."""
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    weiter = str(form.get("weiter", ""))
    errors: dict[str, str] = {}
    throttled = False
    if not username:
        errors["username"] = "Bitte geben Sie Ihren Benutzernamen ein."
    if not password:
        errors["password"] = "Bitte geben Sie Ihr Passwort ein."
    if not errors:
        wait = parts.throttle.retry_after(username)
        if wait > 0:
            minutes, throttled = math.ceil(wait / 60), True
            errors["username"] = (
                f"Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in {minutes} "
                "Minute(n) erneut."
            )
    if not errors:
        async with parts.readers() as db:
            principal = await authenticate(db, username, password)
        if principal is None:
            parts.throttle.failed(username)
            errors["password"] = "Benutzername oder Passwort ist falsch."
        else:
            parts.throttle.succeeded(username)
            session = cookies(request).signed_in(principal)
            return redirect(request, _local(weiter) or start_of(principal.role), session)
    return page(
        request,
        "login.html",
        title="Anmelden",
        status_code=429 if throttled else 400,
        errors=errors,
        username=username,
        weiter=weiter,
    )


@router.post("/abmelden")
async def log_out(request: Request, _: SignedIn, __: Form) -> Response:
    """Forget the login in this browser."""
    return redirect(request, "/anmelden?grund=abgemeldet", cookies(request).anonymous())


@router.get("/verwaltung")
async def admin_start(request: Request, principal: SignedIn) -> Response:
    """Admins see no cases; accounts are managed on the command line for now."""
    return page(request, "admin.html", title="Verwaltung", role=principal.role)


def _local(path: str) -> str | None:
    """Only a path on this site: `weiter` must not send her elsewhere after login."""
    if path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return None
