"""German pages for what goes wrong: no login, a refused form, not found, the chain not there."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from kette_core.db import DatabaseBusy
from kette_intake.cases.problems import CaseRefused
from kette_intake.errors import database_busy
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


CHAIN_DOWN_TITLE = "Die Kette ist gerade nicht erreichbar"
CHAIN_DOWN_NEXT = (
    "Anmeldungen werden trotzdem gespeichert: die Kette startet, sobald Kafka und Temporal "
    "wieder laufen. Entscheidungen senden Sie bitte erneut, sobald die Fallansicht wieder "
    "erscheint; eine schon angekommene Entscheidung zählt nur einmal."
)


def problem_of(refused: CaseRefused) -> WebProblem:
    """A CaseService refusal as a German page (503: what happens next)."""
    message = " ".join(problem.message_de for problem in refused.problems)
    if refused.status_code == 503:
        return WebProblem(503, CHAIN_DOWN_TITLE, f"{message} {CHAIN_DOWN_NEXT}")
    if refused.status_code == 404:
        return not_found()
    if refused.status_code == 403:
        return WebProblem(403, "Keine Berechtigung", message)
    return WebProblem(refused.status_code, "Nicht möglich", message)


def install_web_errors(app: FastAPI) -> None:
    """Handlers for the screens' own exceptions (the API's JSON errors stay untouched)."""
    app.add_exception_handler(LoginRequired, _login_required)  # type: ignore[arg-type]
    app.add_exception_handler(CsrfRefused, _csrf_refused)  # type: ignore[arg-type]
    app.add_exception_handler(WebProblem, _problem)  # type: ignore[arg-type]
    app.add_exception_handler(DatabaseBusy, _busy)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


async def _login_required(request: Request, error: LoginRequired) -> Response:
    back = {"weiter": error.next_path} if request.method == "GET" else {}  # a form: start over
    query = back | ({"grund": "zeitablauf"} if error.expired else {})
    return redirect(request, f"/anmelden?{urlencode(query)}")


async def _csrf_refused(request: Request, _: CsrfRefused) -> Response:
    message = (
        "Das Formular war nicht mehr gültig (Sicherheitsmerkmal fehlt oder ist abgelaufen). "
        "Es wurde nichts gespeichert. Bitte öffnen Sie die Seite neu und senden Sie es erneut."
    )
    return _page(request, WebProblem(403, "Formular abgelehnt", message))


UNEXPECTED = (
    "Ihre letzte Eingabe wurde möglicherweise nicht gespeichert. Bitte öffnen Sie den Fall neu, "
    "prüfen Sie den Stand und versuchen Sie es noch einmal; hält der Fehler an, melden Sie ihn "
    "bitte der Verwaltung."
)


async def _unexpected(request: Request, _: Exception) -> Response:
    """A fault nobody foresaw: a German page on the screens, the usual 500 for the API; the
    traceback goes to the log (Starlette re-raises it), never to the browser."""
    if request.url.path.startswith("/api/"):
        return PlainTextResponse("Internal Server Error", status_code=500)
    return _page(request, WebProblem(500, "Ein Fehler ist aufgetreten", UNEXPECTED))


BUSY = (
    "Es wurde nichts gespeichert, weil gerade viele Eingaben gleichzeitig gespeichert werden. "
    "Bitte senden Sie das Formular in wenigen Sekunden noch einmal; es zählt nur einmal."
)


async def _busy(request: Request, error: DatabaseBusy) -> Response:
    """The database stayed locked: JSON 503 for the API, a German page for the screens."""
    if request.url.path.startswith("/api/"):
        return await database_busy(request, error)
    answer = _page(request, WebProblem(503, "Gerade ausgelastet", BUSY))
    answer.headers["Retry-After"] = str(error.retry_after_seconds)
    return answer


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
