"""/healthz, /readyz (database, Kafka, the projection consumer moving) and /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from kette_core.consumer_health import CONSUMER_REGISTRY

Check = Callable[[], Awaitable[None]]
"""Returns when the dependency answers; raises with the reason otherwise."""


async def _answer(check: Check, seconds: float) -> dict[str, bool | str]:
    try:
        async with asyncio.timeout(seconds):
            await check()
    except Exception as error:
        return {"ok": False, "detail": f"{type(error).__name__}: {error}"[:300]}
    return {"ok": True, "detail": "ok"}


def operations_router(
    checks: dict[str, Check], registry: CollectorRegistry, seconds: float = 3.0
) -> APIRouter:
    """The probes in the shapes the stack's parts read (`{status, checks: {name: {ok}}}`)."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive; a Kafka outage must not restart the process."""
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        """503 naming the dependency that does not answer."""
        answers = await asyncio.gather(*(_answer(check, seconds) for check in checks.values()))
        ready = all(answer["ok"] for answer in answers)
        verdicts = dict(zip(checks, answers, strict=True))
        body = {"status": "ready" if ready else "not ready", "checks": verdicts}
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics")
    async def metrics() -> Response:
        """Prometheus text: the projection's counts and the consumer's lag."""
        body = generate_latest(registry) + generate_latest(CONSUMER_REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router
