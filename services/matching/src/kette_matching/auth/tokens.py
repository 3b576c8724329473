"""Who may change the catalogue; the token itself is verified by kette_core.tokens."""

from __future__ import annotations

from kette_core.contracts.vocabulary import ActorRole
from kette_core.tokens import InvalidToken, verify_token

MAY_CHANGE_CATALOGUE = frozenset({ActorRole.COORDINATOR, ActorRole.ADMIN})

__all__ = ["MAY_CHANGE_CATALOGUE", "InvalidToken", "verified_role"]


def verified_role(token: str, secret: bytes) -> tuple[str, ActorRole]:
    """The actor id and role a valid token names; InvalidToken otherwise."""
    claims = verify_token(token, secret)
    return claims.actor_id, claims.role
