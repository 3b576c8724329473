"""Liveness, readiness (database, Kafka, consumers) and metrics for operators and the stack."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

Check = Callable[[], Awaitable[None]]
"""Returns when the dependency answers, raises with the reason otherwise."""
CHECK_SECONDS = 3.0


async def _answer(check: Check) -> dict[str, bool | str]:
    """One dependency's verdict within the check's time; never raises."""
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await check()
    except Exception as error:
        return {"ok": False, "detail": f"{type(error).__name__}: {error}"[:300]}
    return {"ok": True, "detail": "ok"}


def health_router(checks: dict[str, Check], registries: Sequence[CollectorRegistry]) -> APIRouter:
    """/healthz, /readyz and /metrics, in the shapes the stack's probes read."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive; a Kafka outage must not get the process restarted."""
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        """503 naming each dependency that does not answer, and why."""
        verdicts = await asyncio.gather(*(_answer(check) for check in checks.values()))
        named = dict(zip(checks, verdicts, strict=True))
        ready = all(verdict["ok"] for verdict in verdicts)
        body = {"status": "ready" if ready else "not ready", "checks": named}
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics")
    async def prometheus() -> Response:
        """Prometheus text: the gateway's counters and its consumers' lag and counts."""
        body = b"".join(generate_latest(registry) for registry in registries)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router
