"""Prometheus metrics in a registry of the app's own, so several apps can live in one process."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    """Request counts and latencies by route, and registrations by outcome."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "kette_intake_http_request_seconds",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.registrations = Counter(
            "kette_intake_registrations",
            "Registrations by resulting status; repeated submits counted apart.",
            ["status", "repeated"],
            registry=self.registry,
        )

    def recorded(self, status: str, created: bool) -> None:
        """Count one registration answer."""
        self.registrations.labels(status=status, repeated=str(not created).lower()).inc()

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Time every request under its route template (never the raw path: ids are data)."""
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        self.requests.labels(
            route=template, method=request.method, status=str(response.status_code)
        ).observe(time.perf_counter() - started)
        return response
