"""The composition root: settings, logging, database, broker, consumer, relay and API, wired once.

Nothing connects at import or build time; `lifespan` starts and stops everything in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import kette_matching.migrations
from kette_core.consumer_health import CONSUMER_REGISTRY
from kette_core.consuming import DeadLetters, subscribe
from kette_core.contracts.chain import (
    OutcomeRecorded,
    ReferralConfirmed,
    ReferralRequested,
    ReferralWithdrawn,
    SharingStopped,
)
from kette_core.contracts.participants import ParticipantRegistered, ProfileUpdated
from kette_core.contracts.referrals import (
    ParticipantDroppedOut,
    ParticipantEnrolled,
    ReferralCompleted,
)
from kette_core.db import create_engine, session_factory
from kette_core.http_busy import answer_busy_with_503
from kette_core.http_health import broker_check, consumers_check, database_check, health_router
from kette_core.inbox import Inbox, InboxHandlers
from kette_core.kafka import build_broker
from kette_core.outbox import OutboxRelay
from kette_core.publishing import EventPublisher
from kette_matching.allocation.consumer import RoundPerBatch
from kette_matching.allocation.rounds import Rounds
from kette_matching.auth.dependencies import coordinator_guard
from kette_matching.catalogue.endpoints import catalogue_router
from kette_matching.catalogue.region import Region
from kette_matching.catalogue.rules import Refused
from kette_matching.catalogue.seed import kreis_unna_region, seed_catalogue
from kette_matching.catalogue.service import load_seed
from kette_matching.gaps.endpoints import gaps_router
from kette_matching.matching.endpoints import matching_router
from kette_matching.matching.handler import RequestHandler
from kette_matching.metrics import Metrics
from kette_matching.participants import handler as participants
from kette_matching.places import handler as places
from kette_matching.places.endpoints import places_router
from kette_matching.settings import MatchingSettings

INBOX_CONSUMER = "matching.referral_requests"


@dataclass
class Matching:
    """Everything the process runs, built from settings, not yet started."""

    settings: MatchingSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    relay: OutboxRelay
    region: Region
    metrics: Metrics
    rounds: Rounds

    def today(self) -> date:
        """The clock, read only here at the edge."""
        return datetime.now(UTC).date()


def build(settings: MatchingSettings, broker: KafkaBroker | None = None) -> Matching:
    """Wire the parts; a test passes FastStream's in-memory broker."""
    engine = create_engine(settings.resolved_database_url())
    sessions = session_factory(engine)
    broker = broker or build_broker(settings)
    publisher = EventPublisher(broker)
    relay = OutboxRelay(sessions, publisher, poll_interval=0.2)
    region = kreis_unna_region()
    metrics = Metrics()
    effect = RequestHandler(
        region,
        settings.rules,
        settings.event_source,
        settings.matching_topic,
        answer_since=settings.answer_requests_since,
        allocation=settings.allocation,
        round_now=False,
    )
    rounds = Rounds(sessions, effect.answering, on_answered=relay.wake)

    def queued(first_time: bool) -> None:
        metrics.requests.labels(outcome="answered" if first_time else "duplicate").inc()
        rounds.pending = rounds.pending or first_time

    handlers = InboxHandlers(Inbox(sessions, consumer=INBOX_CONSUMER))  # a batch, a transaction
    handlers.add_batch_effect(ReferralRequested, effect.queue_all, queued)
    handlers.add_effect(ReferralConfirmed, places.on_confirmed)
    handlers.add_effect(ReferralWithdrawn, places.on_withdrawn)
    handlers.add_effect(OutcomeRecorded, places.on_outcome)
    handlers.add_effect(SharingStopped, places.on_sharing_stopped)
    handlers.add_effect(ParticipantEnrolled, places.on_enrolled)
    handlers.add_effect(ParticipantDroppedOut, places.on_dropped_out)
    handlers.add_effect(ReferralCompleted, places.on_completed)
    handlers.add_effect(ParticipantRegistered, participants.on_registered)
    handlers.add_effect(ProfileUpdated, participants.on_profile_updated)
    dead_letters = DeadLetters(publisher, settings.event_source, settings.deadletter_topic)
    consumer = RoundPerBatch(handlers, dead_letters, group_id=settings.group_id, rounds=rounds)
    topics = [settings.chain_topic, settings.participants_topic]
    if settings.provider_status_topic:
        topics.append(settings.provider_status_topic)
    subscribe(broker, *topics, consumer=consumer)
    return Matching(settings, engine, sessions, broker, relay, region, metrics, rounds)


async def prepare(matching: Matching) -> None:
    """Migrate and seed as configured, so the consumer only ever runs on a ready database."""
    settings = matching.settings
    if settings.migrate_on_start:
        await migrate(settings.resolved_database_url())
    if settings.seed_catalogue:
        await load_seed(matching.sessions, seed_catalogue(matching.today()))


async def start(matching: Matching) -> None:
    """Prepare the database, then connect to Kafka, relay and run rounds."""
    await prepare(matching)
    await matching.broker.start()
    matching.relay.start()
    matching.rounds.start()


async def stop(matching: Matching) -> None:
    """Stop consuming, finish the relay's batch, close connections."""
    await matching.broker.stop()
    await matching.rounds.stop()
    await matching.relay.stop()
    await matching.engine.dispose()


async def migrate(url: str) -> None:
    """Alembic to head from the packaged scripts, so a built wheel migrates without the ini."""
    config = Config()
    config.set_main_option("script_location", str(Path(kette_matching.migrations.__file__).parent))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    await asyncio.to_thread(command.upgrade, config, "head")


def create_app(matching: Matching) -> FastAPI:
    """The HTTP face: probes, catalogue and matching; the lifespan runs consumer and relay."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await start(matching)
        try:
            yield
        finally:
            await stop(matching)

    app = FastAPI(title="Kette matching", version="0.1.0", lifespan=lifespan)
    checks = {
        "database": database_check(matching.engine),
        "kafka": broker_check(matching.broker, matching.settings.kafka_bootstrap),
        "consumer": consumers_check(),
    }
    app.include_router(health_router(checks, [matching.metrics.registry, CONSUMER_REGISTRY]))
    coordinator = coordinator_guard(matching.settings.token_key())
    app.include_router(catalogue_router(matching.sessions, matching.region, coordinator))
    app.include_router(gaps_router(matching.sessions))
    app.include_router(places_router(matching.sessions))
    app.include_router(
        matching_router(matching.sessions, matching.region, matching.settings.rules, matching.today)
    )

    answer_busy_with_503(app)

    @app.exception_handler(Refused)
    async def refused(_: Request, error: Refused) -> JSONResponse:
        for problem in error.problems:
            matching.metrics.refused.labels(field=problem.field).inc()
        return JSONResponse(
            status_code=422, content={"detail": [p.model_dump() for p in error.problems]}
        )

    @app.exception_handler(RequestValidationError)
    async def unparsable(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = problems_from_request(error)
        return JSONResponse(status_code=422, content={"detail": problems})

    return app


def problems_from_request(error: RequestValidationError) -> list[dict[str, str]]:
    """FastAPI's errors in the same {field, reason, message_de} shape as the rules' refusals."""
    problems = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part != "body"]
        problems.append(
            {
                "field": ".".join(location) or "body",
                "reason": str(item.get("type", "invalid")),
                "message_de": f"Ungültiger Wert: {item.get('msg', '')}",
            }
        )
    return problems
