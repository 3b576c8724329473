"""Onboarding, key rotation and revocation of providers; one transaction each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts import topics
from kette_provider_gateway.problems import Refused
from kette_provider_gateway.providers import repository
from kette_provider_gateway.providers.credentials import KafkaCredentials, principal_of
from kette_provider_gateway.providers.keys import NewKey, new_key, secret_matches, split_key
from kette_provider_gateway.providers.provisioning import Provisioner
from kette_provider_gateway.providers.tables import ApiKeyRow, ProviderRow
from kette_provider_gateway.referrals.service import issue_held

log = structlog.get_logger(__name__)
Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Onboarded:
    """The new provider's key (shown once) and how many held referrals went out to it."""

    provider_id: str
    api_key: str
    key_id: str
    referrals_issued: int


def checked_id(provider_id: str) -> str:
    """A provider id becomes topic and principal names: a lowercase slug or nothing."""
    try:
        topics.provider_referrals_topic(provider_id)
    except ValueError:
        raise Refused(
            422, "provider_id", "invalid", f"use a lowercase slug ({topics.PROVIDER_ID_PATTERN})"
        ) from None
    return provider_id


async def onboard(
    sessions: async_sessionmaker[AsyncSession],
    provisioner: Provisioner,
    provider_id: str,
    name: str,
    source: str,
) -> Onboarded:
    """Topics (and principal, ACLs) first, idempotently; then the provider, its key and the
    referrals that waited for it, in one transaction."""
    checked_id(provider_id)
    async with sessions() as session:
        if await repository.get_provider(session, provider_id) is not None:
            raise Refused(409, "provider_id", "exists", "this provider is registered already")
    await provisioner.provision(provider_id)
    now = datetime.now(UTC)
    key = new_key()
    async with sessions() as session, session.begin():
        session.add(ProviderRow(provider_id=provider_id, name=name, created_at=now))
        await session.flush()
        session.add(_key_row(provider_id, key, now))
        issued = await issue_held(session, provider_id, source, now)
    log.info("gateway.provider_onboarded", provider_id=provider_id, referrals_issued=issued)
    return Onboarded(provider_id, key.api_key, key.key_id, issued)


async def rotate_key(session: AsyncSession, provider_id: str) -> NewKey:
    """A new key; every older key of the provider stops working at once."""
    provider = await _active(session, provider_id)
    now = datetime.now(UTC)
    await repository.revoke_keys(session, provider.provider_id, now)
    key = new_key()
    session.add(_key_row(provider.provider_id, key, now))
    log.info("gateway.key_rotated", provider_id=provider_id, key_id=key.key_id)
    return key


async def revoke(session: AsyncSession, provider_id: str) -> None:
    """The provider and all its keys stop working; its referrals are no longer handed out."""
    provider = await _active(session, provider_id)
    now = datetime.now(UTC)
    provider.revoked_at = now
    session.add(provider)
    await repository.revoke_keys(session, provider_id, now)
    log.info("gateway.provider_revoked", provider_id=provider_id)


async def rotate_principal(
    sessions: Sessions, credentials: KafkaCredentials, provider_id: str
) -> str:
    """A new Kafka password for an active provider, set by the tooling; returns the principal."""
    async with sessions() as session:
        await _active(session, provider_id)
    await credentials.rotate(provider_id)
    log.info("gateway.principal_rotated", provider_id=provider_id)
    return principal_of(provider_id)


async def revoke_everywhere(
    sessions: Sessions, credentials: KafkaCredentials, provider_id: str
) -> None:
    """Kafka principal first (a failure leaves the provider active, so the admin can retry),
    then the provider and its keys."""
    async with sessions() as session:
        await _active(session, provider_id)
    await credentials.revoke(provider_id)
    async with sessions() as session, session.begin():
        await revoke(session, provider_id)


async def listing(session: AsyncSession) -> Sequence[ProviderRow]:
    """Every provider, revoked ones too."""
    return await repository.all_providers(session)


async def authenticate(session: AsyncSession, api_key: str) -> str | None:
    """The provider an active key belongs to, or None (malformed, unknown, revoked)."""
    parts = split_key(api_key)
    if parts is None:
        return None
    key_id, secret = parts
    row = await repository.get_key(session, key_id)
    if row is None or row.revoked_at is not None or not secret_matches(secret, row.secret_hash):
        return None
    provider = await repository.get_provider(session, row.provider_id)
    if provider is None or provider.revoked_at is not None:
        return None
    return provider.provider_id


async def _active(session: AsyncSession, provider_id: str) -> ProviderRow:
    """The provider, or 404 when unknown or revoked."""
    provider = await repository.get_provider(session, provider_id)
    if provider is None or provider.revoked_at is not None:
        raise Refused(404, "provider_id", "unknown", "no active provider with this id")
    return provider


def _key_row(provider_id: str, key: NewKey, now: datetime) -> ApiKeyRow:
    """What is stored of a key: never the secret itself."""
    return ApiKeyRow(
        key_id=key.key_id, provider_id=provider_id, secret_hash=key.secret_hash, created_at=now
    )
