"""Reads and writes of providers and keys; callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.providers.tables import ApiKeyRow, ProviderRow


async def get_provider(session: AsyncSession, provider_id: str) -> ProviderRow | None:
    """The provider, revoked or not."""
    return await session.get(ProviderRow, provider_id)


async def active_provider_ids(session: AsyncSession) -> list[str]:
    """Providers not revoked, sorted."""
    statement = select(ProviderRow.provider_id).where(col(ProviderRow.revoked_at).is_(None))
    return sorted((await session.exec(statement)).all())


async def all_providers(session: AsyncSession) -> Sequence[ProviderRow]:
    """Every provider ever registered."""
    return (await session.exec(select(ProviderRow).order_by(col(ProviderRow.provider_id)))).all()


async def get_key(session: AsyncSession, key_id: str) -> ApiKeyRow | None:
    """A key by its public id."""
    return await session.get(ApiKeyRow, key_id)


async def revoke_keys(session: AsyncSession, provider_id: str, now: datetime) -> None:
    """Every active key of the provider stops working."""
    await session.exec(
        update(ApiKeyRow)
        .where(col(ApiKeyRow.provider_id) == provider_id, col(ApiKeyRow.revoked_at).is_(None))
        .values(revoked_at=now)
    )
