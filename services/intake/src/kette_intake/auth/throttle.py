"""Login throttling: a username with too many recent failures is refused for a while."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginThrottle:
    """In this process's memory: enough against guessing one account; a cluster shares none."""

    def __init__(
        self,
        max_failures: int = 5,
        window_seconds: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max = max_failures
        self._window = window_seconds
        self._clock = clock
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def retry_after(self, username: str) -> float:
        """Seconds until the username may try again; 0 when it may now."""
        failures = self._recent(username)
        if len(failures) < self._max:
            return 0.0
        return max(0.0, failures[0] + self._window - self._clock())

    def failed(self, username: str) -> None:
        """Count a wrong password (or an unknown name)."""
        self._recent(username).append(self._clock())

    def succeeded(self, username: str) -> None:
        """A right password forgets the failures."""
        self._failures.pop(username.casefold(), None)

    def _recent(self, username: str) -> deque[float]:
        failures = self._failures[username.casefold()]
        while failures and failures[0] <= self._clock() - self._window:
            failures.popleft()
        return failures
