"""German pages for what goes wrong: no login, a refused form, not found, the chain not there."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import Response

from kette_intake.web.pages import page, redirect
from kette_intake.web.session import CsrfRefused, LoginRequired


@dataclass
class WebProblem(Exception):
    """A page-level refusal: its status, German heading and German explanation."""

    status_code: int
    title: str
    message: str


def not_found() -> WebProblem:
    """Absent and outside her Kommunen look the same."""
    return WebProblem(
        404, "Nicht gefunden", "Diese Seite oder diesen Fall gibt es in Ihren Kommunen nicht."
    )


def forbidden(what: str) -> WebProblem:
    """The role may not do this at all."""
    return WebProblem(403, "Keine Berechtigung", f"Mit Ihrer Rolle können Sie {what} nicht.")


def install_web_errors(app: FastAPI) -> None:
    """Handlers for the screens' own exceptions (the API's JSON errors stay untouched)."""
    app.add_exception_handler(LoginRequired, _login_required)  # type: ignore[arg-type]
    app.add_exception_handler(CsrfRefused, _csrf_refused)  # type: ignore[arg-type]
    app.add_exception_handler(WebProblem, _problem)  # type: ignore[arg-type]


async def _login_required(request: Request, error: LoginRequired) -> Response:
    query = {"weiter": error.next_path} | ({"grund": "zeitablauf"} if error.expired else {})
    return redirect(request, f"/anmelden?{urlencode(query)}")


async def _csrf_refused(request: Request, _: CsrfRefused) -> Response:
    message = (
        "Das Formular war nicht mehr gültig (Sicherheitsmerkmal fehlt oder ist abgelaufen). "
        "Es wurde nichts gespeichert. Bitte öffnen Sie die Seite neu und senden Sie es erneut."
    )
    return _page(request, WebProblem(403, "Formular abgelehnt", message))


async def _problem(request: Request, error: WebProblem) -> Response:
    return _page(request, error)


def _page(request: Request, error: WebProblem) -> Response:
    return page(
        request,
        "error.html",
        title=error.title,
        status_code=error.status_code,
        message=error.message,
    )
