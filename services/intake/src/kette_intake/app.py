"""The composition root: settings, logging, database, outbox relay and HTTP in one process.

Nothing connects at import time; `create_app()` builds, its lifespan connects.
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import uvicorn
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.db import create_engine, reading, session_factory
from kette_core.http_health import Check, database_check, health_router
from kette_core.kafka import build_broker
from kette_core.logging import configure_logging
from kette_core.outbox import OutboxRelay, RecordSender
from kette_intake.auth import endpoints as auth_endpoints
from kette_intake.auth.throttle import LoginThrottle
from kette_intake.auth.tokens import TokenSigner
from kette_intake.cases import endpoints as case_endpoints
from kette_intake.cases.chains import ChainSource, chains_of
from kette_intake.cases.explanations import Explanations, MatchingAnswers, no_explanations
from kette_intake.cases.service import CaseService
from kette_intake.contacts import endpoints as contact_endpoints
from kette_intake.contacts.service import ContactService
from kette_intake.crypto import BlindIndex, PersonalDataSealer
from kette_intake.errors import install_error_handlers
from kette_intake.messaging import KafkaSender
from kette_intake.ops.metrics import Metrics
from kette_intake.ops.temporal import TemporalConnection
from kette_intake.participants import change_endpoints
from kette_intake.participants import endpoints as participant_endpoints
from kette_intake.participants.changes import ChangeService
from kette_intake.participants.eligibility import Rules
from kette_intake.participants.service import ParticipantService, Topics
from kette_intake.rights import endpoints as rights_endpoints
from kette_intake.rights.service import RightsService
from kette_intake.settings import IntakeSettings, decode_key
from kette_intake.web import install as install_web
from kette_intake.wiring import Intake
from kette_workflows.programmes import load_programme

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class Ports:
    """What a component test replaces: the way to Kafka, the readiness checks, the clock."""

    sender: RecordSender | None = None
    checks: dict[str, Check] = field(default_factory=dict)
    today: Callable[[], date] | None = None
    chains: ChainSource | None = None
    explanations: Explanations | None = None


def create_app(settings: IntakeSettings | None = None, ports: Ports | None = None) -> FastAPI:
    """The FastAPI app; its lifespan opens the database, Kafka and the relay."""
    settings = settings or IntakeSettings()  # keys come from KETTE_*
    metrics = Metrics()
    checks: dict[str, Check] = {}  # the lifespan fills it as it connects

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            app.state.intake = await _start(settings, ports or Ports(), metrics, checks, stack)
            yield

    app = FastAPI(title="Kette intake", version="0.1.0", lifespan=lifespan)
    install_error_handlers(app)
    case_endpoints.install_error_handlers(app)
    app.middleware("http")(metrics.middleware)
    app.include_router(health_router(checks, [metrics.registry]))
    for module in (auth_endpoints, participant_endpoints, case_endpoints):
        app.include_router(module.router)
    app.include_router(change_endpoints.router)
    app.include_router(rights_endpoints.router)
    app.include_router(contact_endpoints.router(settings.gateway_token))
    install_web(app, settings)  # the German screens: routes, stylesheet, session cookies
    return app


async def _start(
    settings: IntakeSettings,
    ports: Ports,
    metrics: Metrics,
    checks: dict[str, Check],
    stack: AsyncExitStack,
) -> Intake:
    """Connect everything in order; the exit stack closes it in reverse."""
    url = settings.resolved_database_url()
    if settings.migrate_on_start:
        await migrate(url)
    engine = create_engine(url)
    stack.push_async_callback(engine.dispose)
    sessions = session_factory(engine)
    readers = session_factory(reading(engine))  # SQLite: reads do not queue behind writers
    checks["database"] = database_check(engine)
    sender = ports.sender
    if sender is None:
        kafka = KafkaSender(build_broker(settings))
        stack.push_async_callback(kafka.close)
        checks["kafka"] = kafka.check
        sender = kafka
    temporal = TemporalConnection(settings.temporal_address)  # connects on first use
    checks["temporal"] = temporal.check
    checks.update(ports.checks)
    relay = OutboxRelay(sessions, sender, poll_interval=1.0)
    relay.start()
    stack.push_async_callback(relay.stop)
    participants = _participant_service(settings, sessions, relay.wake, ports.today)
    chains = ports.chains or chains_of(temporal.client)
    explanations = ports.explanations or _matching_answers(settings, stack)
    return Intake(
        sessions=sessions,
        readers=readers,
        participants=participants,
        cases=CaseService(
            readers, participants, chains, settings.ki_kommunen, explanations=explanations
        ),
        changes=ChangeService(participants.recorder),
        rights=RightsService(participants.recorder, chains),
        contacts=ContactService(participants.recorder),
        signer=TokenSigner(
            decode_key(settings.token_secret), timedelta(minutes=settings.token_minutes)
        ),
        throttle=LoginThrottle(),
        metrics=metrics,
    )


def _matching_answers(settings: IntakeSettings, stack: AsyncExitStack) -> Explanations:
    """Matching's German reasons for its proposals, read over its HTTP API when configured."""
    if not settings.matching_url:
        return no_explanations
    answers = MatchingAnswers(settings.matching_url)
    stack.push_async_callback(answers.close)
    return answers


def _participant_service(
    settings: IntakeSettings,
    sessions: async_sessionmaker[AsyncSession],
    wake: Callable[[], None],
    today: Callable[[], date] | None,
) -> ParticipantService:
    programme = load_programme(settings.programme_id)
    rules = Rules(
        ki_id=settings.ki_id,
        kommunen=tuple(settings.ki_kommunen),
        programme_id=programme.programme_id,
        eligible_statuses=tuple(programme.eligible_residence_statuses),
    )
    options = {"today": today} if today is not None else {}
    return ParticipantService(
        sessions,
        rules,
        PersonalDataSealer(decode_key(settings.key_encryption_key), settings.key_encryption_key_id),
        BlindIndex(decode_key(settings.blind_index_key), settings.ki_id),
        Topics(participants=settings.participants_topic, access=settings.access_topic),
        settings.event_source,
        wake,
        **options,
    )


async def migrate(url: str) -> None:
    """Upgrade the database to the newest revision (Alembic runs its own loop in a thread)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    await asyncio.to_thread(command.upgrade, config, "head")


def new_key() -> str:
    """A fresh base64 key for the KETTE_* key settings."""
    return base64.b64encode(os.urandom(32)).decode()


def serve(settings: IntakeSettings) -> None:
    """The process: logging first, then the app under uvicorn until stopped."""
    configure_logging(settings)
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
    )
