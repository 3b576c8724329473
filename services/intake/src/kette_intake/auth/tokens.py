"""Signed bearer tokens (JWT, HS256) carrying role and Kommunen, so a request needs no lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.auth.principal import Principal

ISSUER = "kette-intake"
ALGORITHM = "HS256"


class InvalidToken(Exception):
    """The token is missing, forged, expired or not ours."""


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
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "iss", "sub"]},
            )
            return Principal(
                actor_id=str(claims["sub"]),
                role=ActorRole(claims["role"]),
                kommunen=tuple(str(kommune) for kommune in claims["kommunen"]),
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as error:
            raise InvalidToken(str(error)) from None
