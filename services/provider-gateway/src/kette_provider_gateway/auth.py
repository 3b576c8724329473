"""Who is calling: a provider by its API key, or an admin by the admin token."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import Request
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.problems import Refused
from kette_provider_gateway.providers.service import authenticate

ProviderAuth = Callable[[Request], Awaitable[str]]


def _bearer(request: Request) -> str | None:
    """The token of `Authorization: Bearer <token>`, else None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def provider_auth(sessions: async_sessionmaker[AsyncSession]) -> ProviderAuth:
    """A dependency answering the calling provider's id, or 401."""

    async def calling_provider(request: Request) -> str:
        """Every provider call carries its API key as a bearer token."""
        token = _bearer(request)
        provider_id = None
        if token is not None:
            async with sessions() as session:
                provider_id = await authenticate(session, token)
        if provider_id is None:
            raise Refused(401, "authorization", "invalid_api_key", "send a valid API key")
        request.state.provider_id = provider_id
        return provider_id

    return calling_provider


def admin_auth(token: SecretStr | None) -> Callable[[Request], Awaitable[None]]:
    """A dependency letting through only the configured admin token."""

    async def admin(request: Request) -> None:
        """Constant-time comparison; without a configured token nobody is admin."""
        given = _bearer(request)
        expected = token.get_secret_value() if token is not None else None
        if not expected or given is None or not hmac.compare_digest(given, expected):
            raise Refused(401, "authorization", "not_admin", "send the admin token")

    return admin
