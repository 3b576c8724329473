"""The composition root: settings, database, broker, consumers, relay and API, wired once.

Nothing connects at import or build time; `lifespan` starts and stops everything in order.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from faststream.kafka.subscriber.usecase import BatchSubscriber
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import kette_provider_gateway.migrations
from kette_core.consumer_health import CONSUMER_REGISTRY
from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import chain, topics
from kette_core.db import create_engine, session_factory
from kette_core.envelope import ReceivedEvent
from kette_core.http_busy import answer_busy_with_503
from kette_core.http_health import broker_check, consumers_check, database_check, health_router
from kette_core.inbox import Effect, Inbox, P
from kette_core.kafka import build_broker
from kette_core.outbox import OutboxRelay
from kette_core.publishing import EventPublisher
from kette_provider_gateway.auth import admin_auth, provider_auth
from kette_provider_gateway.contacts.endpoints import contacts_router
from kette_provider_gateway.contacts.intake_client import HttpIntakeContacts
from kette_provider_gateway.contacts.port import IntakeContacts
from kette_provider_gateway.contacts.service import IntakeUnavailable
from kette_provider_gateway.metrics import Metrics
from kette_provider_gateway.problems import Refused
from kette_provider_gateway.providers.credentials import credentials_for
from kette_provider_gateway.providers.endpoints import admin_router
from kette_provider_gateway.providers.provisioning import (
    Provisioner,
    ProvisioningFailed,
    provisioner_for,
)
from kette_provider_gateway.providers.repository import active_provider_ids
from kette_provider_gateway.referrals.handler import ChainEffects
from kette_provider_gateway.reports.consumer import ReportsFromKafka, provider_of
from kette_provider_gateway.reports.endpoints import reports_router
from kette_provider_gateway.reports.limits import BodyLimit, RateLimit
from kette_provider_gateway.reports.rejections import AnsweringDeadLetters
from kette_provider_gateway.settings import GatewaySettings
from kette_provider_gateway.webhooks.dispatcher import WebhookDispatcher
from kette_provider_gateway.webhooks.endpoints import webhooks_router

log = structlog.get_logger(__name__)
INBOX_CONSUMER = "provider-gateway.chain"


@dataclass
class Gateway:
    """Everything the process runs, built from settings, not yet started."""

    settings: GatewaySettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    relay: OutboxRelay
    metrics: Metrics
    provisioner: Provisioner
    reports: ReportsFromKafka
    dead_letters: DeadLetters
    webhooks: WebhookDispatcher
    intake: IntakeContacts
    listening: set[str] = field(default_factory=set)
    watcher: asyncio.Task[None] | None = None


def build(
    settings: GatewaySettings,
    broker: KafkaBroker | None = None,
    provisioner: Provisioner | None = None,
) -> Gateway:
    """Wire the parts; a test passes FastStream's in-memory broker and a fake provisioner."""
    engine = create_engine(settings.resolved_database_url())
    sessions = session_factory(engine)
    broker = broker or build_broker(settings)
    publisher = EventPublisher(broker)
    relay = OutboxRelay(sessions, publisher, poll_interval=0.2)
    metrics = Metrics()
    inbox = Inbox(sessions, consumer=INBOX_CONSUMER)
    effects = ChainEffects(settings.event_source, metrics)
    webhooks = WebhookDispatcher(
        sessions,
        retry_after=timedelta(seconds=settings.webhook_retry_seconds),
        max_attempts=settings.webhook_max_attempts,
        on_attempt=lambda outcome: metrics.webhook_attempts.labels(outcome=outcome).inc(),
    )

    def wake() -> None:
        relay.wake()
        webhooks.wake()

    def once(effect: Effect[P]) -> Callable[[ReceivedEvent[P]], Awaitable[None]]:
        return _waking(inbox, wake, effect)

    handlers = EventHandlers()
    handlers.add(chain.ReferralConfirmed, once(effects.on_confirmed))
    handlers.add(chain.ReferralWithdrawn, once(effects.on_withdrawn))
    handlers.add(chain.SharingStopped, once(effects.on_sharing_stopped))
    handlers.add(chain.SharingResumed, once(effects.on_sharing_resumed))
    handlers.add(chain.ReferralRequested, once(effects.on_requested))
    handlers.add(chain.ProfileFactsUpdated, once(effects.on_profile_facts))
    handlers.add(chain.OutcomeRecorded, once(effects.on_outcome))
    dead_letters = DeadLetters(publisher, settings.event_source, settings.deadletter_topic)
    consumer = EventConsumer(handlers, dead_letters, group_id=settings.group_id)
    subscribe(
        broker, settings.chain_topic, consumer=consumer, roles={settings.chain_topic: topics.CHAIN}
    )
    reports = ReportsFromKafka(
        sessions,
        metrics,
        settings.event_source,
        settings.provider_status_topic,
        relay.wake,
        lambda rejections: AnsweringDeadLetters(
            publisher, settings.event_source, settings.deadletter_topic, rejections, provider_of
        ),
    )
    return Gateway(
        settings,
        engine,
        sessions,
        broker,
        relay,
        metrics,
        provisioner or provisioner_for(settings, settings.provision_command),
        reports,
        dead_letters,
        webhooks,
        HttpIntakeContacts(
            settings.intake_url, settings.intake_token, settings.intake_timeout_seconds
        ),
    )


def _waking(
    inbox: Inbox, wake: Callable[[], None], effect: Effect[P]
) -> Callable[[ReceivedEvent[P]], Awaitable[None]]:
    """Apply once through the inbox, then wake relay and webhooks so the event leaves at once."""

    async def handler(event: ReceivedEvent[P]) -> None:
        if await inbox.apply_once(event, effect):
            wake()

    return handler


def listen_to_reports(gateway: Gateway, provider_id: str) -> BatchSubscriber | None:
    """Subscribe one provider's reports topic (own consumer group); None if already done."""
    if provider_id in gateway.listening:
        return None
    gateway.listening.add(provider_id)
    group = f"{gateway.settings.reports_group_id}.{provider_id}"
    consumer = EventConsumer(
        gateway.reports.handlers(), gateway.reports.dead_letters, group_id=group
    )
    return subscribe(gateway.broker, topics.provider_reports_topic(provider_id), consumer=consumer)


async def prepare(gateway: Gateway) -> None:
    """Migrate, then subscribe the reports topic of every registered provider."""
    if gateway.settings.migrate_on_start:
        await migrate(gateway.settings.resolved_database_url())
    async with gateway.sessions() as session:
        for provider_id in await active_provider_ids(session):
            listen_to_reports(gateway, provider_id)


async def start(gateway: Gateway) -> None:
    """Prepare the database, then connect to Kafka and relay."""
    await prepare(gateway)
    await gateway.broker.start()
    gateway.relay.start()
    gateway.webhooks.start()
    gateway.watcher = asyncio.create_task(watch_providers(gateway), name="provider-watcher")


async def stop(gateway: Gateway) -> None:
    """Stop consuming, finish the relay's batch, close connections."""
    if gateway.watcher is not None:
        gateway.watcher.cancel()
        await asyncio.gather(gateway.watcher, return_exceptions=True)
    await gateway.broker.stop()
    await gateway.relay.stop()
    await gateway.webhooks.stop()
    await gateway.engine.dispose()


async def provider_added(gateway: Gateway, provider_id: str) -> None:
    """A provider registered while running: its reports topic is read from now on."""
    subscriber = listen_to_reports(gateway, provider_id)
    if subscriber is not None and gateway.broker.running:
        await subscriber.start()
    gateway.relay.wake()
    gateway.webhooks.wake()


async def watch_providers(gateway: Gateway) -> None:
    """Providers registered by the admin command (another process) are read from soon after."""
    while True:
        await asyncio.sleep(gateway.settings.provider_poll_seconds)
        try:
            async with gateway.sessions() as session:
                active = await active_provider_ids(session)
            for provider_id in active:
                if provider_id not in gateway.listening:
                    await provider_added(gateway, provider_id)
                    log.info("gateway.reports_topic_followed", provider_id=provider_id)
        except Exception:
            log.exception("gateway.provider_watch_failed")


async def migrate(url: str) -> None:
    """Alembic to head from the packaged scripts, so a built wheel migrates without the ini."""
    config = Config()
    scripts = Path(kette_provider_gateway.migrations.__file__).parent
    config.set_main_option("script_location", str(scripts))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    await asyncio.to_thread(command.upgrade, config, "head")


def create_app(gateway: Gateway) -> FastAPI:
    """The HTTP face: probes, the provider API and the admin API."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await start(gateway)
        try:
            yield
        finally:
            await stop(gateway)

    settings, metrics = gateway.settings, gateway.metrics
    app = FastAPI(
        title="Kette provider gateway",
        version="0.1.0",
        description="Providers report on their referrals; admins register providers.",
        lifespan=lifespan,
    )
    checks = {
        "database": database_check(gateway.engine),
        "kafka": broker_check(gateway.broker, settings.kafka_bootstrap),
        "consumer": consumers_check(),
    }
    app.include_router(health_router(checks, [metrics.registry, CONSUMER_REGISTRY]))
    app.include_router(
        reports_router(
            gateway.sessions,
            provider_auth(gateway.sessions),
            RateLimit(settings.reports_per_minute),
            metrics,
            settings.event_source,
            settings.provider_status_topic,
            gateway.relay.wake,
        )
    )
    app.include_router(
        contacts_router(
            gateway.sessions,
            provider_auth(gateway.sessions),
            gateway.intake,
            settings.intake_retry_after_seconds,
        )
    )
    app.include_router(
        admin_router(
            gateway.sessions,
            gateway.provisioner,
            admin_auth(settings.admin_token),
            settings.event_source,
            lambda provider_id: provider_added(gateway, provider_id),
            credentials_for(settings.credentials_command),
        )
    )

    app.include_router(
        webhooks_router(
            gateway.sessions,
            admin_auth(settings.admin_token),
            gateway.webhooks.wake,
            settings.event_source,
        )
    )

    def too_large() -> None:
        metrics.refused.labels(channel="rest", reason="too_large").inc()
        log.warning("gateway.request_refused", channel="rest", field="body", reason="too_large")

    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes, on_refused=too_large)

    answer_busy_with_503(app)

    @app.exception_handler(Refused)
    async def refused(request: Request, error: Refused) -> JSONResponse:
        _log_refusal(request, metrics, error.problem.field, error.problem.reason)
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        if isinstance(error, IntakeUnavailable):
            headers = {"Retry-After": str(error.retry_after)}
        body = {"detail": [error.problem.model_dump()]}
        return JSONResponse(body, status_code=error.status, headers=headers)

    @app.exception_handler(ProvisioningFailed)
    async def not_provisioned(request: Request, error: ProvisioningFailed) -> JSONResponse:
        _log_refusal(request, metrics, "provider_id", "provisioning_failed")
        problem = {"field": "provider_id", "reason": "provisioning_failed", "message": str(error)}
        return JSONResponse({"detail": [problem]}, status_code=502)

    @app.exception_handler(RequestValidationError)
    async def unparsable(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = problems_from_request(error)
        for problem in problems:
            _log_refusal(request, metrics, problem["field"], problem["reason"])
        return JSONResponse({"detail": problems}, status_code=422)

    return app


def openapi_document() -> str:
    """The API's OpenAPI document as checked in under docs/; building connects nothing."""
    settings = GatewaySettings(database_url="sqlite+aiosqlite://")
    document = create_app(build(settings, provisioner=_NoProvisioning())).openapi()
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


class _NoProvisioning:
    """The document needs the routes, not the admin tooling."""

    async def provision(self, provider_id: str) -> None:
        raise ProvisioningFailed("no provisioning while writing the OpenAPI document")


def _log_refusal(request: Request, metrics: Metrics, field_name: str, reason: str) -> None:
    """Every refusal counted and logged: who, where, why; never a value from the body."""
    metrics.refused.labels(channel="rest", reason=reason).inc()
    log.warning(
        "gateway.request_refused",
        channel="rest",
        path=request.url.path,
        provider_id=getattr(request.state, "provider_id", None),
        field=field_name,
        reason=reason,
    )


def problems_from_request(error: RequestValidationError) -> list[dict[str, str]]:
    """FastAPI's errors in the API's {field, reason, message} shape, without the input."""
    problems = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part != "body"]
        problems.append(
            {
                "field": ".".join(location) or "body",
                "reason": str(item.get("type", "invalid")),
                "message": str(item.get("msg", "invalid")),
            }
        )
    return problems
