"""Who is calling: a provider by its API key, or an admin by the admin token."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.problems import Refused
from kette_provider_gateway.providers.service import authenticate

ProviderAuth = Callable[..., Awaitable[str]]
Bearer = HTTPAuthorizationCredentials | None

_PROVIDER_KEY = HTTPBearer(
    scheme_name="ProviderApiKey",
    description="The provider's API key, `kette_<key id>.<secret>`.",
    auto_error=False,
)
_ADMIN_TOKEN = HTTPBearer(
    scheme_name="AdminToken", description="The gateway's admin token.", auto_error=False
)
ProviderBearer = Annotated[Bearer, Depends(_PROVIDER_KEY)]
AdminBearer = Annotated[Bearer, Depends(_ADMIN_TOKEN)]


def provider_auth(sessions: async_sessionmaker[AsyncSession]) -> ProviderAuth:
    """A dependency answering the calling provider's id, or 401."""

    async def calling_provider(request: Request, bearer: ProviderBearer) -> str:
        """Every provider call carries its API key as a bearer token."""
        provider_id = None
        if bearer is not None and bearer.credentials:
            async with sessions() as session:
                provider_id = await authenticate(session, bearer.credentials)
        if provider_id is None:
            raise Refused(401, "authorization", "invalid_api_key", "send a valid API key")
        request.state.provider_id = provider_id
        return provider_id

    return calling_provider


def admin_auth(token: SecretStr | None) -> Callable[..., Awaitable[None]]:
    """A dependency letting through only the configured admin token."""

    async def admin(bearer: AdminBearer) -> None:
        """Constant-time comparison; without a configured token nobody is admin."""
        expected = token.get_secret_value() if token is not None else None
        given = bearer.credentials if bearer is not None else None
        if not expected or not given or not hmac.compare_digest(given, expected):
            raise Refused(401, "authorization", "not_admin", "send the admin token")

    return admin
