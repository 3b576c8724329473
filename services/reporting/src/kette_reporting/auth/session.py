"""The dashboard's session: a signed cookie holding intake's token and a CSRF token.

Stateless: the token's own expiry ends the session, and logout forgets the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Response
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "kette_bericht_sitzung"
CSRF_FIELD = "csrf_token"
_SALT = "kette-reporting dashboard session"


@dataclass(frozen=True)
class DashboardSession:
    """One browser's session: its CSRF token and, once logged in, intake's token."""

    csrf: str
    token: str | None = None


class SessionCookies:
    """Signs with a key derived from the token secret, so no second secret is configured."""

    def __init__(self, secret: bytes, secure: bool) -> None:
        key = hmac.new(secret, b"reporting-web-session", hashlib.sha256).digest()
        self._serializer = URLSafeSerializer(key, salt=_SALT)
        self._secure = secure

    @staticmethod
    def anonymous() -> DashboardSession:
        """A fresh session before login, with its own CSRF token for the login form."""
        return DashboardSession(csrf=secrets.token_urlsafe(24))

    @staticmethod
    def signed_in(token: str) -> DashboardSession:
        """A new CSRF token at login, so one planted before login is useless."""
        return DashboardSession(csrf=secrets.token_urlsafe(24), token=token)

    def load(self, cookie: str | None) -> DashboardSession:
        """The cookie's session; anonymous if absent or forged."""
        if not cookie:
            return self.anonymous()
        try:
            data: dict[str, Any] = self._serializer.loads(cookie)
            token = data["t"]
            return DashboardSession(str(data["c"]), None if token is None else str(token))
        except (BadSignature, KeyError, TypeError, ValueError):
            return self.anonymous()

    def encode(self, session: DashboardSession) -> str:
        """The cookie's signed value."""
        return str(self._serializer.dumps({"c": session.csrf, "t": session.token}))

    def store(self, response: Response, session: DashboardSession) -> None:
        """Write the session (HttpOnly, SameSite=Lax, Secure as configured)."""
        response.set_cookie(
            COOKIE,
            self.encode(session),
            httponly=True,
            samesite="lax",
            secure=self._secure,
            path="/",
        )


def same_csrf(session: DashboardSession, sent: object) -> bool:
    """Whether a posted form carries this session's CSRF token."""
    return isinstance(sent, str) and hmac.compare_digest(sent, session.csrf)
