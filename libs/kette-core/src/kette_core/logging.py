"""structlog set-up: JSON for machines, colours for people, ids bound per event."""

from __future__ import annotations

import importlib.util
import logging
import sys
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, TextIO, cast

import structlog

from kette_core.log_limits import (
    DEFAULT_WINDOW_SECONDS,
    REPEATED,
    RepeatFilter,
    RepeatLimiter,
    limit_structlog_repeats,
)
from kette_core.settings import KetteSettings

TEMPORAL_CORE_LOGGER = "temporalio.core"
_temporal_core_forwarded = False


def configure_logging(
    settings: KetteSettings, repeat_window_seconds: float = DEFAULT_WINDOW_SECONDS
) -> None:
    """Configure structlog, stdlib logging and Temporal's core once, from the composition root:
    every line of the process is one rendering, and a repeated failure one line per window."""
    use_json = settings.log_format == "json" or (
        settings.log_format == "auto" and not sys.stderr.isatty()
    )
    limiter = RepeatLimiter(repeat_window_seconds)
    stamp: list[structlog.types.Processor] = [
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_service(settings.service),
    ]
    finish: list[structlog.types.Processor] = []
    renderer: structlog.types.Processor
    if use_json:
        renderer = structlog.processors.JSONRenderer(sort_keys=True)
        finish.append(structlog.processors.format_exc_info)
    else:
        renderer = structlog.dev.ConsoleRenderer()
    level = logging.getLevelNamesMapping()[settings.log_level]
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            limit_structlog_repeats(limiter),
            *stamp,
            *finish,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=cast(TextIO, _CurrentStderr())),
        cache_logger_on_first_use=False,
    )
    _route_stdlib(max(level, logging.WARNING), limiter, stamp, [*finish, renderer])
    _forward_temporal_core()


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is now: a stream captured at configure time may be
    closed later (pytest swaps it per test; a daemon may redirect it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _route_stdlib(
    level: int,
    limiter: RepeatLimiter,
    stamp: list[structlog.types.Processor],
    finish: list[structlog.types.Processor],
) -> None:
    """Libraries (aiokafka, FastStream, Temporal) log through stdlib: render them like ours."""
    handler = logging.StreamHandler(_CurrentStderr())
    handler.addFilter(RepeatFilter(limiter))
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.processors.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.stdlib.ExtraAdder(allow=[REPEATED]),
                *stamp,
            ],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *finish],
        )
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    """A crash's traceback is a log line too, not plain text between the JSON."""
    logging.getLogger("kette").critical("process.crashed", exc_info=(kind, error, traceback))


def _forward_temporal_core() -> None:
    """Temporal's Rust core writes its own coloured text to stderr unless its lines are
    forwarded to a Python logger; done once, before any client connects."""
    global _temporal_core_forwarded
    if _temporal_core_forwarded or importlib.util.find_spec("temporalio") is None:
        return
    from temporalio.runtime import (
        LogForwardingConfig,
        LoggingConfig,
        Runtime,
        TelemetryConfig,
        TelemetryFilter,
    )

    forwarding = LogForwardingConfig(logger=logging.getLogger(TEMPORAL_CORE_LOGGER))
    core_filter = TelemetryFilter(core_level="WARN", other_level="ERROR")
    telemetry = TelemetryConfig(logging=LoggingConfig(filter=core_filter, forwarding=forwarding))
    Runtime.set_default(Runtime(telemetry=telemetry), error_if_already_set=False)
    _temporal_core_forwarded = True


def _add_service(service: str) -> structlog.types.Processor:
    """Stamp every line with the service, so merged logs stay readable."""

    def processor(_: Any, __: str, event_dict: structlog.types.EventDict) -> Any:
        event_dict.setdefault("service", service)
        return event_dict

    return processor


def bind_ids(
    *,
    event_id: str | None = None,
    participant_id: str | None = None,
    workflow_id: str | None = None,
) -> AbstractContextManager[None]:
    """Bind the correlation ids for the duration of a `with` block."""
    ids = {
        key: value
        for key, value in {
            "event_id": event_id,
            "participant_id": participant_id,
            "workflow_id": workflow_id,
        }.items()
        if value is not None
    }
    return structlog.contextvars.bound_contextvars(**ids)
