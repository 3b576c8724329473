"""The caseworkers' German screens: server-rendered (Jinja2), no JavaScript build, accessible."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kette_intake.settings import IntakeSettings, decode_key
from kette_intake.web import case, caseload, changes, login, registration, rights
from kette_intake.web.errors import install_web_errors
from kette_intake.web.session import SessionCookies
from kette_intake.web.settings import WebSettings

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, settings: IntakeSettings, web: WebSettings | None = None) -> None:
    """Add the screens to the app: routes, stylesheet, session cookies and German error pages."""
    web = web or WebSettings()
    app.state.web_sessions = SessionCookies(
        secret=decode_key(settings.token_secret),
        idle=timedelta(minutes=web.idle_minutes),
        max_age=timedelta(hours=web.max_hours),
        secure=web.cookie_secure,
    )
    app.state.web_kommunen = tuple(settings.ki_kommunen)
    install_web_errors(app)
    for module in (login, registration, caseload, changes, rights, case):
        app.include_router(module.router)
    app.mount("/assets", StaticFiles(directory=STATIC), name="web-static")
