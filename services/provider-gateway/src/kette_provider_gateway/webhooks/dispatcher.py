"""Delivers staged webhook events in the background, like the outbox relay does for Kafka."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.outbox import IdlePauses
from kette_provider_gateway.webhooks import service
from kette_provider_gateway.webhooks.signing import signed_headers
from kette_provider_gateway.webhooks.tables import DeliveryRow, WebhookRow

log = structlog.get_logger(__name__)
SEND_SECONDS = 10.0


class WebhookDispatcher:
    """Each round: every provider's oldest due delivery, POSTed, its outcome recorded."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        retry_after: timedelta,
        max_attempts: int,
        on_attempt: Callable[[str], None] = lambda _: None,
        poll_interval: float = 0.5,
        idle_interval: float = 5.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._retry_after = retry_after
        self._max_attempts = max_attempts
        self._on_attempt = on_attempt
        self._pauses = IdlePauses(poll_interval, idle_interval)
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[str, asyncio.Task[None]] = {}

    async def deliver_once(self, client: httpx.AsyncClient) -> int:
        """Start each due provider's delivery that is not already on its way; returns how many.

        Each POST runs as its own task outside any transaction: a receiver that hangs for its
        send timeout holds neither SQLite's write lock nor any other provider's deliveries.
        """
        async with self._sessions() as session:
            ready = await service.due(session, self._clock())
        started = 0
        for row, webhook in ready:
            if row.provider_id not in self._in_flight:
                task = asyncio.create_task(self._deliver(client, row, webhook))
                self._in_flight[row.provider_id] = task
                started += 1
        return started

    async def _deliver(
        self, client: httpx.AsyncClient, row: DeliveryRow, webhook: WebhookRow
    ) -> None:
        """One signed POST, then its outcome in a short transaction of its own."""
        try:
            now = self._clock()
            headers = signed_headers(webhook.secret, row.event_id, row.body, now)
            status, error = await _post(client, webhook.url, row.body, headers)
            read = (row.attempts, row.next_attempt_at)
            service.record(row, status, error, now, self._retry_after, self._max_attempts)
            async with self._sessions() as session, session.begin():
                recorded = await service.store_unless_reset(session, row, read)
            if not recorded:  # redelivered while on its way: pending again, from attempt one
                row.status = service.PENDING
            self._on_attempt(row.status)
            if recorded and row.status == service.PENDING:
                self._wake_at(row.next_attempt_at)
            log.info(
                "gateway.webhook_attempted",
                provider_id=row.provider_id,
                event_id=row.event_id,
                status=status,
                error=error,
                delivery=row.status,
                attempts=row.attempts,
                superseded_by_redelivery=not recorded,
            )
        except Exception:
            log.exception("gateway.webhook_attempt_failed", provider_id=row.provider_id)
        finally:
            del self._in_flight[row.provider_id]
            self._wake.set()

    def _wake_at(self, due: datetime) -> None:
        """A retry was scheduled: look again when it comes due, however slow the idle loop."""
        delay = (due - self._clock()).total_seconds()  # `record` just set it, with our clock
        asyncio.get_running_loop().call_later(max(0.0, delay), self._wake.set)

    def wake(self) -> None:
        """Look now instead of after the poll interval."""
        self._wake.set()

    def start(self) -> None:
        """Run the loop as a background task."""
        if self._task is None or self._task.done():
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name="webhook-dispatcher")

    async def stop(self) -> None:
        """Finish the deliveries on their way (each bounded by the send timeout), then end."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        """Deliver until stopped; an error is logged and the loop goes on."""
        async with httpx.AsyncClient(timeout=SEND_SECONDS, follow_redirects=False) as client:
            while not self._stopping.is_set():
                self._wake.clear()
                started = 0
                try:
                    started = await self.deliver_once(client)
                except Exception:
                    log.exception("gateway.webhook_round_failed")
                await self._pause(self._pauses.after(started + len(self._in_flight)))
            await asyncio.gather(*self._in_flight.values())

    async def _pause(self, seconds: float) -> None:
        """Wait for a wake (a staged delivery, a finished one, a stop) or the pause's end.

        Deliveries staged in this process and each finished attempt wake the loop, so an
        idle one slows down (`IdlePauses`) and looks for retries coming due and for rows
        other processes staged at most every `idle_interval`."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)


async def _post(
    client: httpx.AsyncClient, url: str, body: str, headers: dict[str, str]
) -> tuple[int | None, str | None]:
    """The receiver's status, or the kind of network error; never its answer's body."""
    try:
        answer = await client.post(url, content=body.encode(), headers=headers)
    except httpx.HTTPError as error:
        return None, type(error).__name__
    return answer.status_code, None
