"""The composition root: settings, logging, database, projection consumer and API, wired once.

Nothing connects at import or build time; `lifespan` migrates, starts the consumer (which
continues at the offsets stored with the projection) and stops it in order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_core.consumer_health import CONSUMER_REGISTRY
from kette_core.db import create_engine
from kette_core.http_health import health_router
from kette_reporting.api.endpoints import report_router
from kette_reporting.api.queries import BadQuery
from kette_reporting.auth.bearer import refusal_response
from kette_reporting.auth.intake_login import IntakeLogin
from kette_reporting.auth.scope import Refusal
from kette_reporting.auth.session import SessionCookies
from kette_reporting.auth.wiring import ReaderAccess, install_access
from kette_reporting.dashboard.access import install as install_dashboard_answers
from kette_reporting.dashboard.endpoints import dashboard_router
from kette_reporting.dashboard.login import login_router
from kette_reporting.database import migrate
from kette_reporting.health import readiness_checks
from kette_reporting.metrics import registry_for
from kette_reporting.projection.consumer import ProjectionConsumer
from kette_reporting.projection.kafka_options import client_options
from kette_reporting.projection.projector import Projector
from kette_reporting.projection.store import ProjectionStore
from kette_reporting.settings import ReportingSettings


@dataclass
class Reporting:
    """Everything the process runs, built from settings, not yet started."""

    settings: ReportingSettings
    engine: AsyncEngine
    projector: Projector
    consumer: ProjectionConsumer | None
    access: ReaderAccess


def build(settings: ReportingSettings) -> Reporting:
    """Wire the parts; `settings.consume=False` gives an API over an existing projection."""
    engine = create_engine(settings.resolved_database_url())
    projector = Projector(ProjectionStore(engine))
    consumer = None
    if settings.consume:
        consumer = ProjectionConsumer(
            projector,
            settings.topics,
            settings.group_id,
            client_options(settings),
            batch_size=settings.batch_size,
        )
    secret = settings.token_key()
    readers = ReaderAccess(
        secret,
        SessionCookies(secret or b"", settings.cookie_secure),
        IntakeLogin(settings.intake_url),
    )
    return Reporting(settings, engine, projector, consumer, readers)


async def start(reporting: Reporting) -> None:
    """Migrate, then consume."""
    if reporting.settings.migrate_on_start:
        await migrate(reporting.settings.resolved_database_url())
    if reporting.consumer is not None:
        await reporting.consumer.start()


async def stop(reporting: Reporting) -> None:
    """Stop consuming (the offsets are already stored with the rows), close the database."""
    if reporting.consumer is not None:
        await reporting.consumer.stop()
    await reporting.engine.dispose()


def create_app(reporting: Reporting) -> FastAPI:
    """The HTTP face: open probes; report, figures and dashboard for readers with intake's
    token (API) or a login (dashboard); the lifespan runs the consumer."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await start(reporting)
        try:
            yield
        finally:
            await stop(reporting)

    app = FastAPI(title="Kette reporting", version="0.1.0", lifespan=lifespan)
    threshold = reporting.settings.suppression_threshold
    checks = readiness_checks(reporting.engine, reporting.settings, reporting.consumer is not None)
    registries = [registry_for(reporting.projector.tally), CONSUMER_REGISTRY]
    app.include_router(health_router(checks, registries))
    install_access(app, reporting.access)
    app.include_router(report_router(reporting.engine, threshold))
    app.include_router(login_router())
    app.include_router(dashboard_router(reporting.engine, threshold))
    install_dashboard_answers(app)

    @app.exception_handler(Refusal)
    async def refused(_: Request, refusal: Refusal) -> JSONResponse:
        return refusal_response(refusal)

    @app.exception_handler(BadQuery)
    async def bad_query(_: Request, error: BadQuery) -> JSONResponse:
        detail = [{"field": error.field, "reason": error.reason, "message_de": error.message_de}]
        return JSONResponse(status_code=422, content={"detail": detail})

    return app
