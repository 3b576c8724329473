"""Backoff for a consumer whose handler failed transiently, logged once per window, not per try."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog

log = structlog.get_logger(__name__)
MAX_ERROR_TEXT = 300


@dataclass(frozen=True)
class Backoff:
    """Delays double from `first` up to `cap`; one log line per `log_window` seconds of trying."""

    first: float = 0.5
    cap: float = 30.0
    log_window: float = 60.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the `attempt`-th failure in a row (1-based)."""
        return min(self.cap, self.first * 2.0 ** min(attempt - 1, 62))


class Retrying:
    """The failures in a row of one consumer: how long to wait, and when to say so."""

    def __init__(self, group_id: str, backoff: Backoff | None = None) -> None:
        self.group_id = group_id
        self.backoff = backoff or Backoff()
        self.attempts = 0
        self._unlogged = 0
        self._logged_at: float | None = None

    async def failed(self, error: BaseException) -> None:
        """Count a failed attempt, log it if this window has no line yet, then wait."""
        self.attempts += 1
        self._unlogged += 1
        delay = self.backoff.delay(self.attempts)
        now = self.backoff.clock()
        if self._logged_at is None or now - self._logged_at >= self.backoff.log_window:
            log.warning(
                "consumer.retrying",
                group_id=self.group_id,
                attempts=self.attempts,
                attempts_since_last_line=self._unlogged,
                error=f"{type(error).__name__}: {error}"[:MAX_ERROR_TEXT],
                retry_in_seconds=delay,
                exc_info=error if self._logged_at is None else None,
            )
            self._logged_at = now
            self._unlogged = 0
        await self.backoff.sleep(delay)

    def succeeded(self) -> None:
        """End a run of failures, with one line that says how many attempts it took."""
        if self.attempts:
            log.info("consumer.recovered", group_id=self.group_id, attempts=self.attempts)
            self.attempts = 0
            self._unlogged = 0
            self._logged_at = None
