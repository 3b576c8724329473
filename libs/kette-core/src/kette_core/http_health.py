"""/healthz, /readyz and /metrics for every service, in the shapes the stack's probes read.

Each service names its own readiness checks (`{"database": database_check(engine), ...}`);
the router runs them concurrently, each bounded in time, and answers
`{status, checks: {name: {ok, detail}}}` with 200 or 503.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence

import sqlalchemy as sa
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_core.consumer_health import CONSUMERS, Consumers

Check = Callable[[], Awaitable[None]]
"""A readiness check: returns when the dependency answers, raises with the reason otherwise."""
CHECK_SECONDS = 3.0
MAX_DETAIL = 300


async def verdict(check: Check, seconds: float = CHECK_SECONDS) -> dict[str, bool | str]:
    """One dependency's answer, bounded in time; never raises."""
    try:
        async with asyncio.timeout(seconds):
            await check()
    except Exception as error:
        return {"ok": False, "detail": f"{type(error).__name__}: {error}"[:MAX_DETAIL]}
    return {"ok": True, "detail": "ok"}


def health_router(
    checks: Mapping[str, Check],
    registries: Sequence[CollectorRegistry],
    seconds: float = CHECK_SECONDS,
) -> APIRouter:
    """The three probe endpoints; `checks` is read per request, so it may be filled later."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive; says nothing about dependencies, so a Kafka outage triggers no restart."""
        return {"status": "ok"}

    @router.get("/readyz", responses={503: {"description": "A dependency does not answer."}})
    async def readyz() -> JSONResponse:
        """503 while any dependency does not answer, naming which and why."""
        names = list(checks)
        answers = await asyncio.gather(*(verdict(checks[name], seconds) for name in names))
        ready = all(answer["ok"] for answer in answers)
        body = {
            "status": "ready" if ready else "not ready",
            "checks": dict(zip(names, answers, strict=True)),
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", response_class=PlainTextResponse)
    async def metrics() -> Response:
        """Prometheus text format: the service's registries, one after the other."""
        body = b"".join(generate_latest(registry) for registry in registries)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router


def database_check(engine: AsyncEngine) -> Check:
    """The service's own database answers a trivial query."""

    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))

    return check


def broker_check(broker: KafkaBroker, bootstrap: str) -> Check:
    """The broker describes its cluster within two seconds."""

    async def check() -> None:
        if not await broker.ping(timeout=2.0):
            raise ConnectionError(f"Kafka at {bootstrap} does not answer")

    return check


def consumers_check(consumers: Consumers = CONSUMERS) -> Check:
    """Not ready while records wait and a consumer makes no progress."""

    async def check() -> None:
        ok, detail = consumers.readiness()
        if not ok:
            raise RuntimeError(detail)

    return check
