"""Every line of a process is JSON: ours, the libraries', a crash's; a repeated failure once."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from kette_core.logging import TEMPORAL_CORE_LOGGER, configure_logging
from kette_core.settings import KetteSettings

pytestmark = pytest.mark.unit


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """Configured in the test's body, where stderr is the captured one."""
    hook = sys.excepthook
    try:
        yield capsys
    finally:
        structlog.reset_defaults()
        logging.basicConfig(force=True)
        logging.captureWarnings(False)
        sys.excepthook = hook


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def test_library_and_temporal_core_lines_are_json_with_their_logger(
    json_logs: pytest.CaptureFixture[str],
) -> None:
    configure_logging(KetteSettings(service="workflows", log_format="json"))
    logging.getLogger("aiokafka.conn").error("Unable connect to %r", "127.0.0.1:9092")
    logging.getLogger(TEMPORAL_CORE_LOGGER).warning("[temporal_sdk_core] poll failed")

    kafka, core = _lines(json_logs)
    assert (kafka["logger"], kafka["event"]) == (
        "aiokafka.conn",
        "Unable connect to '127.0.0.1:9092'",
    )
    assert (kafka["level"], kafka["service"]) == ("error", "workflows")
    assert (core["logger"], core["level"]) == (TEMPORAL_CORE_LOGGER, "warning")


def test_a_library_traceback_stays_inside_one_json_line(
    json_logs: pytest.CaptureFixture[str],
) -> None:
    configure_logging(KetteSettings(service="workflows", log_format="json"))
    try:
        raise ConnectionRefusedError("broker gone")
    except ConnectionRefusedError:
        logging.getLogger("aiokafka").exception("Unexpected error in sender routine")

    (line,) = _lines(json_logs)
    assert "ConnectionRefusedError: broker gone" in line["exception"]


def test_an_uncaught_crash_is_logged_as_json(json_logs: pytest.CaptureFixture[str]) -> None:
    configure_logging(KetteSettings(service="workflows", log_format="json"))
    try:
        raise RuntimeError("cannot reach Temporal")
    except RuntimeError as error:
        sys.excepthook(RuntimeError, error, error.__traceback__)

    (line,) = _lines(json_logs)
    assert (line["event"], line["level"]) == ("process.crashed", "critical")
    assert "RuntimeError: cannot reach Temporal" in line["exception"]


def test_repeated_identical_failures_log_once_until_the_window_ends(
    json_logs: pytest.CaptureFixture[str],
) -> None:
    configure_logging(KetteSettings(service="workflows", log_format="json"))
    log = structlog.get_logger()
    for _ in range(200):
        try:
            raise ConnectionError("kafka unreachable")
        except ConnectionError:
            log.warning("relay.send_failed", exc_info=True)
            logging.getLogger("aiokafka").error("Unable connect to node with id 1")
    log.warning("relay.send_failed", error="another cause")
    log.info("relay.sent", count=1)
    log.info("relay.sent", count=1)

    events = [(line["event"], line.get("logger")) for line in _lines(json_logs)]
    assert events == [
        ("relay.send_failed", None),
        ("Unable connect to node with id 1", "aiokafka"),
        ("relay.send_failed", None),
        ("relay.sent", None),
        ("relay.sent", None),
    ]


def test_lines_follow_stderr_when_it_is_replaced_after_configuration(
    json_logs: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    configure_logging(KetteSettings(service="intake", log_format="json"))
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    structlog.get_logger().info("intake.first")
    first.close()
    monkeypatch.setattr(sys, "stderr", second)

    structlog.get_logger().info("intake.second")
    logging.getLogger("aiokafka").error("broker gone")

    events = [json.loads(line)["event"] for line in second.getvalue().splitlines()]
    assert events == ["intake.second", "broker gone"]
