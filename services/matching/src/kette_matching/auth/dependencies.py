"""The FastAPI guard: a coordinator's (or admin's) valid token, else 401, 403 or 503."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Header, HTTPException, status

from kette_matching.auth.tokens import MAY_CHANGE_CATALOGUE, InvalidToken, verified_role

log = structlog.get_logger(__name__)

Guard = Callable[..., Awaitable[str]]


def _refusal(code: int, reason: str, message_de: str) -> HTTPException:
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    detail = [{"field": "authorization", "reason": reason, "message_de": message_de}]
    return HTTPException(code, detail, headers=headers)


def coordinator_guard(secret: bytes | None) -> Guard:
    """A dependency naming the coordinator who changes the catalogue.

    Without a configured secret no change is accepted: closed, not open, by default.
    """

    async def coordinator(authorization: Annotated[str | None, Header()] = None) -> str:
        if secret is None:
            raise _refusal(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "no_token_secret",
                "Änderungen am Katalog sind nicht eingerichtet (kein Token-Schlüssel).",
            )
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise _refusal(status.HTTP_401_UNAUTHORIZED, "missing_token", "Bitte anmelden.")
        try:
            actor_id, role = verified_role(token.strip(), secret)
        except InvalidToken:
            raise _refusal(
                status.HTTP_401_UNAUTHORIZED, "invalid_token", "Anmeldung ungültig oder abgelaufen."
            ) from None
        if role not in MAY_CHANGE_CATALOGUE:
            raise _refusal(
                status.HTTP_403_FORBIDDEN,
                "not_a_coordinator",
                "Nur Koordinierende dürfen den Katalog ändern.",
            )
        log.info("matching.catalogue_change_by", actor_id=actor_id, role=role.value)
        return actor_id

    return coordinator
