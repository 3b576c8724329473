"""/healthz (the process lives), /readyz (its dependencies answer), /metrics (Prometheus)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from kette_intake.wiring import Intake, intake

router = APIRouter(tags=["operations"])
Parts = Annotated[Intake, Depends(intake)]


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Alive; says nothing about dependencies, so a restart is not triggered by Kafka."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "A dependency does not answer."}})
async def readyz(parts: Parts) -> JSONResponse:
    """503 while any dependency does not answer, naming which and why."""
    verdicts = await parts.readiness.verdicts()
    ready = all(verdict.ok for verdict in verdicts.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {name: {"ok": v.ok, "detail": v.detail} for name, v in verdicts.items()},
    }
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(parts: Parts) -> Response:
    """Prometheus text format."""
    return Response(generate_latest(parts.metrics.registry), media_type=CONTENT_TYPE_LATEST)
