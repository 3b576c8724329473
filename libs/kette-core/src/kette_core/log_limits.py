"""Rate limits for repeated identical log lines, so an outage cannot flood the disk."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import structlog

DEFAULT_WINDOW_SECONDS = 10.0
MAX_KEYS = 1024
_LEVELS = {name.lower(): number for name, number in logging.getLevelNamesMapping().items()}
REPEATED = "repeated"
"""Field on the line that ends a quiet window: how many identical lines were dropped before it."""


class RepeatLimiter:
    """Lets one line per key and window through and counts the rest."""

    def __init__(
        self,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._window = window_seconds
        self._max_keys = max_keys
        self._clock = clock
        self._windows: OrderedDict[Hashable, list[float | int]] = OrderedDict()
        self._lock = threading.Lock()  # Temporal's core forwards its lines from another thread

    def admit(self, key: Hashable) -> int | None:
        """None to drop this line, else how many identical lines were dropped before it."""
        now = self._clock()
        with self._lock:
            window = self._windows.get(key)
            if window is not None and now - window[0] < self._window:
                window[1] += 1
                return None
            self._windows[key] = [now, 0]
            self._windows.move_to_end(key)
            while len(self._windows) > self._max_keys:
                self._windows.popitem(last=False)
            return int(window[1]) if window is not None else 0


def limit_structlog_repeats(
    limiter: RepeatLimiter, min_level: int = logging.WARNING
) -> structlog.types.Processor:
    """A processor, before the time stamp: drops a warning or error identical to a recent one."""

    def processor(_: Any, method_name: str, event_dict: structlog.types.EventDict) -> Any:
        if _LEVELS.get(str(event_dict.get("level")), 0) < min_level:
            return event_dict
        suppressed = limiter.admit(_identity(event_dict))
        if suppressed is None:
            raise structlog.DropEvent
        if suppressed:
            event_dict[REPEATED] = suppressed
        return event_dict

    return processor


class RepeatFilter(logging.Filter):
    """The same limit for stdlib records (aiokafka, Temporal's core), keyed by their text."""

    def __init__(self, limiter: RepeatLimiter, min_level: int = logging.WARNING) -> None:
        super().__init__()
        self._limiter = limiter
        self._min_level = min_level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < self._min_level:
            return True
        error = record.exc_info[1] if record.exc_info else None
        key = (record.name, record.levelno, record.getMessage(), _error_identity(error))
        suppressed = self._limiter.admit(key)
        if suppressed is None:
            return False
        if suppressed:
            setattr(record, REPEATED, suppressed)
        return True


def _identity(event_dict: structlog.types.EventDict) -> str:
    """Everything but the time: an error's type and text stand for its traceback."""
    fields = {
        key: _error_identity(value) if key == "exc_info" else value
        for key, value in event_dict.items()
        if key != "timestamp"
    }
    return repr(sorted(fields.items(), key=lambda item: item[0]))


def _error_identity(error: object) -> str:
    if error is True:  # structlog's exc_info=True: the exception being handled
        error = sys.exc_info()[1]
    if isinstance(error, tuple) and len(error) == 3:
        error = error[1]
    if isinstance(error, BaseException):
        return f"{type(error).__name__}: {error}"
    return repr(error)
