"""Liveness, readiness (database and Kafka) and metrics, in the same shapes as intake's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from kette_core.consumer_health import CONSUMER_REGISTRY
from kette_matching.metrics import Metrics

Check = Callable[[], Awaitable[None]]
"""A readiness check: returns when the dependency answers, raises with the reason otherwise."""
CHECK_SECONDS = 3.0


async def verdict(check: Check) -> dict[str, bool | str]:
    """One dependency's answer, bounded in time; never raises."""
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await check()
    except Exception as error:
        return {"ok": False, "detail": f"{type(error).__name__}: {error}"[:300]}
    return {"ok": True, "detail": "ok"}


def health_router(checks: dict[str, Check], metrics: Metrics) -> APIRouter:
    """The three probe endpoints."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive; says nothing about dependencies, so a Kafka outage triggers no restart."""
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        """503 while the database or Kafka does not answer, naming which and why."""
        names = list(checks)
        results = await asyncio.gather(*(verdict(checks[name]) for name in names))
        ready = all(result["ok"] for result in results)
        body = {
            "status": "ready" if ready else "not ready",
            "checks": dict(zip(names, results, strict=True)),
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics")
    async def prometheus() -> Response:
        """Prometheus text format: this service's counters and its consumers' lag and counts."""
        body = generate_latest(metrics.registry) + generate_latest(CONSUMER_REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router
