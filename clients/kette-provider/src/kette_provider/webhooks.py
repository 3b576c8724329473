"""The webhook door: verify each delivery's signature, drop repeats, hand the event on.

`serve` is a deliberately small HTTP/1.1 server (POST with Content-Length only), so the example
needs no web framework; in your system the same `WebhookReceiver.receive` sits behind yours.
"""

from __future__ import annotations

import asyncio
import binascii
import contextlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus

from standardwebhooks import Webhook, WebhookVerificationError

from kette_provider.events import Delivery, UnreadableEvent, from_webhook

MAX_BODY = 1_048_576
PATH_PREFIX = "/webhooks/"


@dataclass(frozen=True)
class Answer:
    """Status and a short text; 2xx tells the gateway the event is stored."""

    status: int
    text: str


class WebhookReceiver:
    """One endpoint per provider, `/webhooks/<provider_id>`, each with its own secret."""

    def __init__(
        self,
        secrets: dict[str, str],
        handle: Callable[[str, Delivery], Awaitable[None]],
        remember: int = 10_000,
    ) -> None:
        self._webhooks = {provider: Webhook(secret) for provider, secret in secrets.items()}
        self._handle = handle
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._remember = remember

    async def receive(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        """Verify, then handle once per webhook-id; a retry of a stored event answers 200."""
        provider_id = path.removeprefix(PATH_PREFIX).strip("/")
        webhook = self._webhooks.get(provider_id) if path.startswith(PATH_PREFIX) else None
        if webhook is None:
            return Answer(404, "no such provider endpoint")
        try:
            webhook.verify(body, headers, json_parse=False)
        except (WebhookVerificationError, ValueError, binascii.Error) as error:
            return Answer(401, f"signature: {error}")
        message = (provider_id, headers.get("webhook-id", ""))
        if message in self._seen:
            return Answer(200, "seen before")
        try:
            delivery = from_webhook(body)
        except UnreadableEvent as error:
            return Answer(400, str(error))
        await self._handle(provider_id, delivery)
        self._seen[message] = None
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return Answer(200, "stored")


Handler = Callable[[str, str, dict[str, str], bytes], Awaitable[Answer]]


async def serve(host: str, port: int, handler: Handler) -> asyncio.Server:
    """Listen; each connection may carry several requests (keep-alive)."""

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await _one_request(reader, writer, handler):
                pass
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    return await asyncio.start_server(connection, host, port)


async def _one_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler
) -> bool:
    """Read one request, answer it; False when the connection should close."""
    request_line = await reader.readline()
    if not request_line:
        return False
    method, path, _ = request_line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if length > MAX_BODY:
        answer = Answer(413, "body too large")
    else:
        body = await reader.readexactly(length)
        answer = (
            await handler(method, path, headers, body)
            if method == "POST"
            else Answer(405, "POST only")
        )
    text = answer.text.encode()
    keep = headers.get("connection", "").lower() != "close"
    writer.write(
        f"HTTP/1.1 {answer.status} {HTTPStatus(answer.status).phrase}\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(text)}\r\n"
        f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n".encode()
        + text
    )
    await writer.drain()
    return keep and length <= MAX_BODY
