"""The admin API: register providers, rotate and revoke their keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.providers import service
from kette_provider_gateway.providers.credentials import KafkaCredentials, NoCredentialTooling
from kette_provider_gateway.providers.provisioning import Provisioner


class NewProvider(BaseModel):
    """A provider to register."""

    provider_id: str = Field(description="Lowercase slug; becomes part of topic names.")
    name: str = Field(min_length=1, max_length=200, description="Organisation's name.")


class IssuedKey(BaseModel):
    """A key is shown this once; the gateway keeps only its hash."""

    provider_id: str
    key_id: str
    api_key: str
    referrals_issued: int = Field(default=0, description="Held referrals handed out now.")


class RotatedPrincipal(BaseModel):
    """The gateway never holds Kafka passwords: the operators' tooling hands the new one over."""

    provider_id: str
    principal: str = Field(description="SCRAM user name; its old password is refused from now.")


class ProviderView(BaseModel):
    """A provider as the admin sees it."""

    provider_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


def admin_router(
    sessions: async_sessionmaker[AsyncSession],
    provisioner: Provisioner,
    admin: Callable[..., Awaitable[None]],
    source: str,
    on_added: Callable[[str], Awaitable[None]],
    credentials: KafkaCredentials | None = None,
) -> APIRouter:
    """Routes under /admin, for the admin token only."""
    router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(admin)])
    kafka = credentials or NoCredentialTooling()

    @router.post("/providers", status_code=201, response_model=IssuedKey)
    async def add(body: NewProvider) -> IssuedKey:
        """Create topics (and principal, ACLs), the provider and its first key."""
        done = await service.onboard(sessions, provisioner, body.provider_id, body.name, source)
        await on_added(done.provider_id)
        return IssuedKey(
            provider_id=done.provider_id,
            key_id=done.key_id,
            api_key=done.api_key,
            referrals_issued=done.referrals_issued,
        )

    @router.get("/providers", response_model=list[ProviderView])
    async def listing() -> list[ProviderView]:
        """Every provider, revoked ones too."""
        async with sessions() as session:
            rows = await service.listing(session)
        return [ProviderView.model_validate(row, from_attributes=True) for row in rows]

    @router.post("/providers/{provider_id}/keys", status_code=201, response_model=IssuedKey)
    async def rotate(provider_id: str) -> IssuedKey:
        """A new key; the old ones stop working at once."""
        async with sessions() as session, session.begin():
            key = await service.rotate_key(session, provider_id)
        return IssuedKey(provider_id=provider_id, key_id=key.key_id, api_key=key.api_key)

    @router.post("/providers/{provider_id}/kafka-credentials", response_model=RotatedPrincipal)
    async def rotate_kafka(provider_id: str) -> RotatedPrincipal:
        """A new SCRAM password for the provider's principal; the old one is refused."""
        principal = await service.rotate_principal(sessions, kafka, provider_id)
        return RotatedPrincipal(provider_id=provider_id, principal=principal)

    @router.delete("/providers/{provider_id}", status_code=204)
    async def revoke(provider_id: str) -> Response:
        """The provider, its keys and its Kafka principal stop working."""
        await service.revoke_everywhere(sessions, kafka, provider_id)
        return Response(status_code=204)

    return router
