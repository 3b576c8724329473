"""structlog set-up: JSON for machines, colours for people, ids bound per event."""

from __future__ import annotations

import logging
import sys
from contextlib import AbstractContextManager
from typing import Any

import structlog

from kette_core.settings import KetteSettings


def configure_logging(settings: KetteSettings) -> None:
    """Configure structlog and stdlib logging once, from the composition root."""
    use_json = settings.log_format == "json" or (
        settings.log_format == "auto" and not sys.stderr.isatty()
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_service(settings.service),
    ]
    renderer: structlog.types.Processor
    if use_json:
        renderer = structlog.processors.JSONRenderer(sort_keys=True)
        shared.append(structlog.processors.format_exc_info)
    else:
        renderer = structlog.dev.ConsoleRenderer()
    level = logging.getLevelNamesMapping()[settings.log_level]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=max(level, logging.WARNING), stream=sys.stderr, force=True)


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
