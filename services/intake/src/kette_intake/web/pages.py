"""Rendering: every answer of the screens goes through `page` or `redirect`, which write the
session cookie back and forbid caching (pages show personal data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from kette_intake.web.labels import LABELS, options
from kette_intake.web.session import CSRF_FIELD, WebSession, cookies, web_session
from kette_intake.web.wording import counted
from kette_workflows.domain.labels_de import date_de

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals.update(labels=LABELS, options=options, csrf_field=CSRF_FIELD)
TEMPLATES.env.filters["date_de"] = date_de
TEMPLATES.env.filters["counted"] = counted
NO_STORE = {"Cache-Control": "no-store"}
_HEADERS = {
    **NO_STORE,
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def session_of(request: Request) -> WebSession:
    """The session a dependency loaded, or loaded now (error pages before any dependency)."""
    session: WebSession | None = getattr(request.state, "web_session", None)
    return session if session is not None else web_session(request)


def page(
    request: Request, template: str, *, title: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A full page in the layout; `title` is the <title> and usually the <h1>."""
    session = session_of(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"title": title, "principal": session.principal, "csrf_token": session.csrf, **context},
        status_code=status_code,
        headers=_HEADERS,
    )
    cookies(request).store(response, session)
    return response


def redirect(request: Request, url: str, session: WebSession | None = None) -> Response:
    """303 See Other (so a reload never re-posts), carrying the (new) session."""
    response = RedirectResponse(url, status_code=303, headers=_HEADERS)
    cookies(request).store(response, session or session_of(request))
    return response
