"""Per-provider rate limit and a cap on request bodies, so no provider can starve the others."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kette_provider_gateway.problems import Refused


class RateLimit:
    """A token bucket per provider: `per_minute` requests, refilled evenly; in memory."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(per_minute)
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, provider_id: str) -> None:
        """Spend one token, or refuse with 429 saying when to retry."""
        now = self._clock()
        tokens, since = self._buckets.get(provider_id, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - since) * self._rate)
        if tokens < 1.0:
            self._buckets[provider_id] = (tokens, now)
            wait = (1.0 - tokens) / self._rate
            raise Refused(
                429, "provider", "rate_limited", f"too many reports; retry in {wait:.1f} s"
            )
        self._buckets[provider_id] = (tokens - 1.0, now)


class BodyLimit:
    """ASGI middleware: a body larger than `max_bytes` under `prefix` gets 413 unread."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        on_refused: Callable[[], None] = lambda: None,
        prefix: str = "/api/",
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.on_refused = on_refused
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._refuse(send)
                return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        """413 in the API's problem shape; the body itself is never logged."""
        self.on_refused()
        problem = {
            "field": "body",
            "reason": "too_large",
            "message": f"request bodies may have at most {self.max_bytes} bytes",
        }
        content = json.dumps({"detail": [problem]}).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": content})
