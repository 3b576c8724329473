"""Settings from KETTE_* variables, Kafka security, and the log format."""

from __future__ import annotations

import json

import pytest
import structlog

from kette_core.kafka import kafka_security
from kette_core.logging import bind_ids, configure_logging
from kette_core.settings import KetteSettings

pytestmark = pytest.mark.unit


def test_settings_are_read_from_kette_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETTE_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    monkeypatch.setenv("KETTE_DATABASE_URL", "postgresql+psycopg://kette@127.0.0.1:5433/intake")

    settings = KetteSettings(service="intake")

    assert settings.kafka_bootstrap == "127.0.0.1:19092"
    assert settings.resolved_database_url() == "postgresql+psycopg://kette@127.0.0.1:5433/intake"


def test_each_service_defaults_to_its_own_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KETTE_DATABASE_URL", raising=False)

    settings = KetteSettings(service="matching")

    assert settings.resolved_database_url() == "sqlite+aiosqlite:///.kette/data/matching.db"
    assert settings.event_source == "/kette/matching"


def test_plaintext_kafka_needs_no_security() -> None:
    assert kafka_security(KetteSettings()) is None


def test_sasl_without_credentials_is_a_clear_error() -> None:
    settings = KetteSettings(kafka_sasl_mechanism="SCRAM-SHA-512")

    with pytest.raises(ValueError, match="KETTE_KAFKA_SASL_USERNAME"):
        kafka_security(settings)


def test_sasl_scram_credentials_are_passed_to_the_broker() -> None:
    settings = KetteSettings(
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="provider-vhs-unna",
        kafka_sasl_password="secret",
    )

    security = kafka_security(settings)

    assert security is not None
    assert type(security).__name__ == "SASLScram512"


def test_json_logs_carry_the_event_key_and_the_bound_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(KetteSettings(service="matching", log_format="json"))
    try:
        with bind_ids(event_id="evt-1", participant_id="p-00000000"):
            structlog.get_logger().info("matching.offer_proposed", offers=3)
        structlog.get_logger().info("matching.idle")
    finally:
        structlog.reset_defaults()

    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert first["event"] == "matching.offer_proposed"
    assert (first["event_id"], first["participant_id"]) == ("evt-1", "p-00000000")
    assert (first["service"], first["offers"], first["level"]) == ("matching", 3, "info")
    assert "event_id" not in second


def test_debug_lines_are_dropped_at_info_level(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(KetteSettings(log_format="json", log_level="INFO"))
    try:
        structlog.get_logger().debug("consumer.event_ignored")
    finally:
        structlog.reset_defaults()

    assert capsys.readouterr().err == ""
