"""Verifying intake's HS256 tokens with the shared secret: who asks, and in which role."""

from __future__ import annotations

import jwt

from kette_core.contracts.vocabulary import ActorRole

ISSUER = "kette-intake"
ALGORITHM = "HS256"
MAY_CHANGE_CATALOGUE = frozenset({ActorRole.COORDINATOR, ActorRole.ADMIN})


class InvalidToken(Exception):
    """Missing, forged, expired, or not intake's."""


def verified_role(token: str, secret: bytes) -> tuple[str, ActorRole]:
    """The actor id and role a valid token names; InvalidToken otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "sub"]},
        )
        return str(claims["sub"]), ActorRole(claims["role"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as error:
        raise InvalidToken(str(error)) from None
