"""Signed bearer tokens (JWT, HS256) carrying role and Kommunen, so a request needs no lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from kette_core.tokens import ALGORITHM, ISSUER, InvalidToken, verify_token
from kette_intake.auth.principal import Principal

__all__ = ["InvalidToken", "TokenSigner"]


class TokenSigner:
    """Issues and verifies the tokens of one intake deployment."""

    def __init__(self, secret: bytes, lifetime: timedelta) -> None:
        self._secret = secret
        self.lifetime = lifetime

    def issue(self, principal: Principal, now: datetime | None = None) -> str:
        """A token valid for `lifetime` from now."""
        issued = now or datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "sub": principal.actor_id,
            "role": principal.role.value,
            "kommunen": list(principal.kommunen),
            "iat": issued,
            "exp": issued + self.lifetime,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The principal a valid token names; InvalidToken otherwise."""
        claims = verify_token(token, self._secret)
        return Principal(actor_id=claims.actor_id, role=claims.role, kommunen=claims.kommunen)
