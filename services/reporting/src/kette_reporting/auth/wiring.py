"""The auth parts one app shares, kept on app.state so module-level dependencies find them."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request

from kette_reporting.auth.intake_login import IntakeLogin
from kette_reporting.auth.session import SessionCookies


@dataclass(frozen=True)
class ReaderAccess:
    """The token secret (None: everyone refused), the cookie codec and intake's login."""

    secret: bytes | None
    cookies: SessionCookies
    login: IntakeLogin


def install_access(app: FastAPI, access: ReaderAccess) -> None:
    """Make the parts reachable from every request of this app."""
    app.state.reporting_access = access


def access_of(request: Request) -> ReaderAccess:
    """The parts `install_access` put on the app."""
    access: ReaderAccess = request.app.state.reporting_access
    return access
