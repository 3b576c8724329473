"""Verifying intake's signed bearer tokens (JWT, HS256): one verifier for every service."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated

import jwt
from pydantic import AfterValidator, SecretStr

from kette_core.contracts.vocabulary import ActorRole

ISSUER = "kette-intake"
ALGORITHM = "HS256"


class InvalidToken(Exception):
    """The token is missing, forged, expired or not intake's."""


@dataclass(frozen=True)
class TokenClaims:
    """Who a valid token names: actor, role, and the Kommunen she is scoped to."""

    actor_id: str
    role: ActorRole
    kommunen: tuple[str, ...]


def verify_token(token: str, secret: bytes) -> TokenClaims:
    """The claims of a valid token; InvalidToken otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "sub"]},
        )
        return TokenClaims(
            actor_id=str(claims["sub"]),
            role=ActorRole(claims["role"]),
            kommunen=tuple(str(kommune) for kommune in claims["kommunen"]),
        )
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as error:
        raise InvalidToken(str(error)) from None


def token_key(value: SecretStr) -> bytes:
    """Base64 of exactly 32 bytes, as intake's `token_secret`."""
    try:
        raw = base64.b64decode(value.get_secret_value(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be base64 (e.g. `openssl rand -base64 32`)") from None
    if len(raw) != 32:
        raise ValueError(f"must decode to 32 bytes, not {len(raw)}")
    return raw


def _thirty_two_bytes(value: SecretStr) -> SecretStr:
    """A mistyped secret would refuse every token; say so at start instead."""
    token_key(value)
    return value


TokenSecret = Annotated[SecretStr, AfterValidator(_thirty_two_bytes)]
"""A settings field holding intake's token secret, checked when the settings are read."""
