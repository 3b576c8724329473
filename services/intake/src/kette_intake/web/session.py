"""The browser session: a signed cookie carrying the principal, a CSRF token and when it was
last used; idle or too old means logged out (stateless, so logout only forgets the cookie)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import FormData

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.auth.principal import Principal

COOKIE = "kette_sitzung"
CSRF_FIELD = "csrf_token"
_SALT = "kette-intake web session"


class LoginRequired(Exception):
    """No valid login: the page sends her to the login form (with a notice if it timed out)."""

    def __init__(self, expired: bool, next_path: str) -> None:
        super().__init__("login required")
        self.expired = expired
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form came without this session's CSRF token: refused, nothing done."""


@dataclass(frozen=True)
class WebSession:
    """One browser's session as this request found it."""

    csrf: str
    seen: float
    principal: Principal | None = None
    since: float = 0.0
    expired: bool = False


@dataclass
class SessionCookies:
    """Reads and writes the cookie; the clock is a port so a test can let time pass."""

    secret: bytes
    idle: timedelta
    max_age: timedelta
    secure: bool
    clock: Callable[[], float] = time.time
    _serializer: URLSafeSerializer = field(init=False)

    def __post_init__(self) -> None:
        key = hmac.new(self.secret, b"web-session", hashlib.sha256).digest()
        self._serializer = URLSafeSerializer(key, salt=_SALT)

    def anonymous(self, expired: bool = False) -> WebSession:
        """A fresh session before login, with its own CSRF token for the login form."""
        return WebSession(csrf=secrets.token_urlsafe(24), seen=self.clock(), expired=expired)

    def signed_in(self, principal: Principal) -> WebSession:
        """A new session at login: new CSRF token, so one planted before login is useless."""
        now = self.clock()
        return WebSession(secrets.token_urlsafe(24), now, principal, since=now)

    def load(self, cookie: str | None) -> WebSession:
        """The session of the cookie, touched now; anonymous if absent, forged or timed out."""
        if not cookie:
            return self.anonymous()
        try:
            data: dict[str, Any] = self._serializer.loads(cookie)
            session = _decode(data)
        except (BadSignature, KeyError, TypeError, ValueError):
            return self.anonymous()
        now = self.clock()
        if session.principal is None:
            return replace(session, seen=now)
        idle = now - session.seen > self.idle.total_seconds()
        if idle or now - session.since > self.max_age.total_seconds():
            return self.anonymous(expired=True)
        return replace(session, seen=now)

    def store(self, response: Response, session: WebSession) -> None:
        """Write the session back (HttpOnly, SameSite=Lax, Secure as configured)."""
        response.set_cookie(
            COOKIE,
            self._serializer.dumps(_encode(session)),
            httponly=True,
            samesite="lax",
            secure=self.secure,
            path="/",
        )


def _encode(session: WebSession) -> dict[str, Any]:
    principal = session.principal
    who = None
    if principal is not None:
        who = {"a": principal.actor_id, "r": principal.role.value, "k": list(principal.kommunen)}
    return {"c": session.csrf, "t": session.seen, "s": session.since, "p": who}


def _decode(data: dict[str, Any]) -> WebSession:
    who = data["p"]
    principal = None
    if who is not None:
        principal = Principal(
            actor_id=str(who["a"]),
            role=ActorRole(who["r"]),
            kommunen=tuple(str(k) for k in who["k"]),
        )
    return WebSession(str(data["c"]), float(data["t"]), principal, float(data["s"]))


def cookies(request: Request) -> SessionCookies:
    """The app's cookie codec (set by `install`)."""
    codec: SessionCookies = request.app.state.web_sessions
    return codec


def web_session(request: Request) -> WebSession:
    """This request's session, kept on request.state so every answer writes it back."""
    session = cookies(request).load(request.cookies.get(COOKIE))
    request.state.web_session = session
    return session


def signed_in(request: Request, session: Annotated[WebSession, Depends(web_session)]) -> Principal:
    """The logged-in principal; otherwise off to the login form."""
    if session.principal is None:
        raise LoginRequired(session.expired, request.url.path)
    return session.principal


async def checked_form(
    request: Request, session: Annotated[WebSession, Depends(web_session)]
) -> FormData:
    """The posted form, once its CSRF token is this session's; CsrfRefused otherwise."""
    if session.expired:
        raise LoginRequired(True, request.url.path)
    form = await request.form()
    token = form.get(CSRF_FIELD)
    if not isinstance(token, str) or not hmac.compare_digest(token, session.csrf):
        raise CsrfRefused()
    return form


Session = Annotated[WebSession, Depends(web_session)]
SignedIn = Annotated[Principal, Depends(signed_in)]
Form = Annotated[FormData, Depends(checked_form)]
