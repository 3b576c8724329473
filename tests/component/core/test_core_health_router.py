"""The shared probes: liveness says nothing of dependencies, readiness names who fails and why."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter

from kette_core.http_health import Check, consumers_check, health_router

pytestmark = pytest.mark.component


async def answers() -> None:
    return None


async def refuses() -> None:
    raise ConnectionError("Kafka at kafka:9092 does not answer")


async def hangs() -> None:
    await asyncio.Event().wait()


def client(checks: dict[str, Check], *registries: CollectorRegistry) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(health_router(checks, registries, seconds=0.2))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service")


async def test_ready_when_every_check_answers() -> None:
    async with client({"database": answers, "kafka": answers}) as http:
        response = await http.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {
            "database": {"ok": True, "detail": "ok"},
            "kafka": {"ok": True, "detail": "ok"},
        },
    }


async def test_not_ready_names_the_failing_and_the_hanging_dependency_and_stays_alive() -> None:
    async with client({"database": answers, "kafka": refuses, "temporal": hangs}) as http:
        ready = await http.get("/readyz")
        alive = await http.get("/healthz")

    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert ready.json()["status"] == "not ready"
    assert checks["database"]["ok"] is True
    assert checks["kafka"] == {
        "ok": False,
        "detail": "ConnectionError: Kafka at kafka:9092 does not answer",
    }
    assert checks["temporal"]["ok"] is False
    assert checks["temporal"]["detail"].startswith("TimeoutError")
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}


async def test_checks_added_after_the_router_was_built_are_asked() -> None:
    checks: dict[str, Check] = {}
    async with client(checks) as http:
        checks["kafka"] = refuses
        response = await http.get("/readyz")

    assert response.status_code == 503
    assert list(response.json()["checks"]) == ["kafka"]


async def test_metrics_serve_every_registry_as_prometheus_text() -> None:
    service, consumers = CollectorRegistry(), CollectorRegistry()
    Counter("kette_test_requests", "requests", registry=service).inc(3)
    Counter("kette_test_records", "records", registry=consumers).inc(5)
    async with client({}, service, consumers) as http:
        response = await http.get("/metrics")

    assert response.headers["content-type"].startswith("text/plain")
    assert "kette_test_requests_total 3.0" in response.text
    assert "kette_test_records_total 5.0" in response.text


class StalledConsumers:
    """What `Consumers.readiness` answers when a group has stopped moving."""

    def readiness(self) -> tuple[bool, str]:
        return False, "matching stalled for 61 s with 12 records waiting"


async def test_a_stalled_consumer_makes_the_service_not_ready() -> None:
    check = consumers_check(StalledConsumers())  # type: ignore[arg-type]

    with pytest.raises(RuntimeError, match="stalled for 61 s"):
        await check()
