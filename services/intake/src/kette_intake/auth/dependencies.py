"""The bearer token of a request, verified into a Principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kette_intake.auth.principal import Principal
from kette_intake.auth.tokens import InvalidToken
from kette_intake.errors import Refused
from kette_intake.wiring import Intake, intake

_bearer = HTTPBearer(auto_error=False)


def current_principal(
    parts: Annotated[Intake, Depends(intake)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """401 without a valid token; the reason says which, never whose."""
    if credentials is None:
        raise Refused.one(401, "Authorization", "a bearer token is required")
    try:
        return parts.signer.verify(credentials.credentials)
    except InvalidToken as error:
        raise Refused.one(401, "Authorization", f"the bearer token is not valid: {error}") from None


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
