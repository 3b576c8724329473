"""Admin API of webhooks: set a provider's endpoint, read its delivery log, redeliver."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, Field, HttpUrl
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.problems import Refused
from kette_provider_gateway.providers.repository import get_provider
from kette_provider_gateway.referrals.service import stage_open_for_new_webhook
from kette_provider_gateway.webhooks import service


class WebhookEndpoint(BaseModel):
    """Where the provider receives its events."""

    url: HttpUrl = Field(description="http(s) URL the gateway POSTs each event to.")


class WebhookSecret(BaseModel):
    """Shown this once: the provider verifies every delivery's signature with it."""

    provider_id: str
    url: str
    secret: str


class Redelivery(BaseModel):
    """Send again everything staged for the provider from this moment on."""

    since: AwareDatetime


class DeliveryView(BaseModel):
    """One line of the delivery log."""

    event_id: str
    event_type: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    lag_seconds: float | None = Field(description="From staging to delivery.")


def webhooks_router(
    sessions: async_sessionmaker[AsyncSession],
    admin: Callable[..., Awaitable[None]],
    wake: Callable[[], None],
    source: str,
) -> APIRouter:
    """Routes under /admin/providers/{provider_id}/webhook, for the admin token only."""
    router = APIRouter(
        prefix="/admin/providers/{provider_id}/webhook",
        tags=["admin"],
        dependencies=[Depends(admin)],
    )

    @router.put("", response_model=WebhookSecret)
    async def put(provider_id: str, body: WebhookEndpoint) -> WebhookSecret:
        """Set or replace the endpoint; a new signing secret every time."""
        async with sessions() as session, session.begin():
            await _active(session, provider_id)
            secret, first = await service.configure(session, provider_id, str(body.url), _now())
            if first:
                await stage_open_for_new_webhook(session, provider_id, source, _now())
        wake()
        return WebhookSecret(provider_id=provider_id, url=str(body.url), secret=secret)

    @router.get("/deliveries", response_model=list[DeliveryView])
    async def deliveries(provider_id: str) -> list[DeliveryView]:
        """The latest deliveries with status, attempts and lag, newest first."""
        async with sessions() as session:
            rows = await service.log(session, provider_id)
        return [
            DeliveryView(
                **row.model_dump(
                    include={"event_id", "event_type", "status", "attempts", "last_status"}
                ),
                last_error=row.last_error,
                created_at=row.created_at,
                delivered_at=row.delivered_at,
                lag_seconds=(row.delivered_at - row.created_at).total_seconds()
                if row.delivered_at
                else None,
            )
            for row in rows
        ]

    @router.post("/redeliver")
    async def redeliver(provider_id: str, body: Redelivery) -> dict[str, int]:
        """This provider's events since `since` go out again, in order; nobody else's."""
        async with sessions() as session, session.begin():
            await _active(session, provider_id)
            count = await service.redeliver(session, provider_id, body.since, _now())
        wake()
        return {"redelivering": count}

    return router


async def _active(session: AsyncSession, provider_id: str) -> None:
    """404 for an unknown or revoked provider."""
    provider = await get_provider(session, provider_id)
    if provider is None or provider.revoked_at is not None:
        raise Refused(404, "provider_id", "unknown", "no active provider with this id")


def _now() -> datetime:
    """The clock, read at the edge."""
    return datetime.now(UTC)
