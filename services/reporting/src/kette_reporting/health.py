"""Reporting's readiness: its database, and while it consumes, Kafka and the consumer."""

from __future__ import annotations

from aiokafka import AIOKafkaClient
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_core.http_health import Check, consumers_check, database_check
from kette_reporting.projection.kafka_options import client_options
from kette_reporting.settings import ReportingSettings


def readiness_checks(
    engine: AsyncEngine, settings: ReportingSettings, consuming: bool
) -> dict[str, Check]:
    """What `/readyz` asks; an API over an existing projection needs only its database."""
    checks = {"database": database_check(engine)}
    if consuming:
        checks["kafka"] = lambda: _kafka_answers(settings)
        checks["consumer"] = consumers_check()
    return checks


async def _kafka_answers(settings: ReportingSettings) -> None:
    """The broker answers a metadata request (the projection reads with a bare client)."""
    client = AIOKafkaClient(**client_options(settings))
    try:
        await client.bootstrap()
    finally:
        await client.close()
