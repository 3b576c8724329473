"""The API's guard: a valid bearer token of a figures reader, else 401, 403 or 503."""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from kette_core.tokens import InvalidToken, TokenClaims, verify_token
from kette_reporting.auth.scope import Refusal, may_read_figures
from kette_reporting.auth.session import COOKIE
from kette_reporting.auth.wiring import access_of

log = structlog.get_logger(__name__)

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="intakeToken",
    description="A token from intake's POST /api/token (coordinator, auditor or admin); "
    "a browser logged in to the dashboard sends its session cookie instead.",
)


class Problem(BaseModel):
    """One reason a request was refused."""

    field: str
    reason: str
    message_de: str


class Problems(BaseModel):
    """The body of every refusal."""

    detail: list[Problem]


REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problems, "description": "No token, or not a valid one."},
    403: {"model": Problems, "description": "Wrong role, or a Kommune outside the token's."},
    503: {"model": Problems, "description": "No token secret configured."},
}


def refusal_response(refusal: Refusal) -> JSONResponse:
    """The refusal as JSON: field, English reason, German message."""
    problem = Problem(field=refusal.field, reason=refusal.reason, message_de=refusal.message_de)
    headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else None
    body = Problems(detail=[problem]).model_dump()
    return JSONResponse(body, status_code=refusal.status, headers=headers)


def verified_reader(secret: bytes | None, token: str | None) -> TokenClaims:
    """The claims of a figures reader's token; Refusal (401/403/503) otherwise."""
    if secret is None:
        raise Refusal(
            503,
            "authorization",
            "no token secret configured (KETTE_TOKEN_SECRET): figures are closed",
            "Die Anmeldung ist nicht eingerichtet (kein Token-Schlüssel).",
        )
    if not token:
        raise Refusal(401, "authorization", "a bearer token is required", "Bitte anmelden.")
    try:
        claims = verify_token(token, secret)
    except InvalidToken as error:
        raise Refusal(
            401,
            "authorization",
            f"the bearer token is not valid: {error}",
            "Anmeldung ungültig oder abgelaufen.",
        ) from None
    return may_read_figures(claims)


def current_reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TokenClaims:
    """The verified reader of one API request; Refusal (401/403/503) otherwise."""
    access = access_of(request)
    if credentials is not None:
        token: str | None = credentials.credentials
    else:  # the dashboard's download links
        token = access.cookies.load(request.cookies.get(COOKIE)).token
    claims = verified_reader(access.secret, token)
    log.info("reporting.figures_read_by", actor_id=claims.actor_id, role=claims.role.value)
    return claims


ReadsFigures = Annotated[TokenClaims, Depends(current_reader)]
