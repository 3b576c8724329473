"""The provider-facing REST API: report on a referral, read a referral's state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.auth import ProviderAuth
from kette_provider_gateway.metrics import Metrics
from kette_provider_gateway.problems import Problem
from kette_provider_gateway.reports.limits import RateLimit
from kette_provider_gateway.reports.models import Report, ReportReceipt
from kette_provider_gateway.reports.service import Draft, accept

_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": dict[str, list[Problem]], "description": text}
    for status, text in {
        401: "No valid API key.",
        404: "No referral with this id was sent to the calling provider.",
        409: "The report does not fit the referral's state, or its report_id was reused.",
        413: "The body is too large.",
        422: "A field is missing or invalid.",
        429: "Too many reports; retry later.",
    }.items()
}


def reports_router(
    sessions: async_sessionmaker[AsyncSession],
    calling_provider: ProviderAuth,
    limit: RateLimit,
    metrics: Metrics,
    source: str,
    status_topic: str,
    wake: Callable[[], None],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> APIRouter:
    """Routes under /api, each authenticated by the provider's API key."""
    router = APIRouter(prefix="/api", tags=["provider API"])

    @router.post(
        "/reports",
        response_model=ReportReceipt,
        status_code=201,
        responses={200: {"model": ReportReceipt, "description": "Sent before."}, **_REFUSALS},
    )
    async def post_report(
        report: Report, provider_id: str = Depends(calling_provider)
    ) -> JSONResponse:
        """Report on one of your referrals; resending the same report_id is safe."""
        limit.take(provider_id)
        draft = Draft(
            channel="rest",
            provider_report_id=report.report_id,
            referral_id=report.referral_id,
            kind=report.type,
            occurred_on=report.occurred_on,
            fields=report.contract_fields(),
        )
        async with sessions() as session, session.begin():
            receipt = await accept(
                session, provider_id, draft, source=source, topic=status_topic, now=clock()
            )
        wake()
        outcome = "duplicate" if receipt.duplicate else "accepted"
        metrics.reports.labels(channel="rest", outcome=outcome).inc()
        return JSONResponse(receipt.model_dump(), status_code=200 if receipt.duplicate else 201)

    return router
