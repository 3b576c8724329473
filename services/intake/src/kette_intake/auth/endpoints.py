"""POST /api/token: username and password in, a signed bearer token out."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from kette_intake.auth.accounts import authenticate
from kette_intake.errors import ErrorBody, Refused
from kette_intake.wiring import Intake, intake

router = APIRouter(prefix="/api", tags=["auth"])


class Login(BaseModel):
    """A caseworker's credentials."""

    username: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=200)


class TokenAnswer(BaseModel):
    """A bearer token for the Authorization header."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


@router.post("/token", responses={401: {"model": ErrorBody}, 429: {"model": ErrorBody}})
async def issue_token(login: Login, parts: Annotated[Intake, Depends(intake)]) -> TokenAnswer:
    """Log in; a wrong name and a wrong password are refused alike, repeated guesses throttled."""
    wait = parts.throttle.retry_after(login.username)
    if wait > 0:
        reason = f"too many failed logins; try again in {math.ceil(wait / 60)} minute(s)"
        raise Refused.one(429, "username", reason)
    async with parts.readers() as session:
        principal = await authenticate(session, login.username, login.password)
    if principal is None:
        parts.throttle.failed(login.username)
        raise Refused.one(401, "password", "unknown username or wrong password")
    parts.throttle.succeeded(login.username)
    token = parts.signer.issue(principal)
    return TokenAnswer(access_token=token, expires_in=int(parts.signer.lifetime.total_seconds()))
