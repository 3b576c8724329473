"""aiokafka client options from the shared settings (the projection reads without FastStream)."""

from __future__ import annotations

from typing import Any

from aiokafka.helpers import create_ssl_context

from kette_core.settings import KetteSettings


def client_options(settings: KetteSettings) -> dict[str, Any]:
    """Bootstrap, TLS and SASL as `kette_core.kafka.kafka_security` sets them for FastStream."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "client_id": f"kette-{settings.service}",
    }
    if settings.kafka_use_tls:
        options["ssl_context"] = create_ssl_context()
    if settings.kafka_sasl_mechanism is None:
        options["security_protocol"] = "SSL" if settings.kafka_use_tls else "PLAINTEXT"
        return options
    if not settings.kafka_sasl_username or settings.kafka_sasl_password is None:
        raise ValueError(
            "KETTE_KAFKA_SASL_USERNAME and KETTE_KAFKA_SASL_PASSWORD are required "
            f"when KETTE_KAFKA_SASL_MECHANISM is {settings.kafka_sasl_mechanism}"
        )
    options.update(
        security_protocol="SASL_SSL" if settings.kafka_use_tls else "SASL_PLAINTEXT",
        sasl_mechanism=settings.kafka_sasl_mechanism,
        sasl_plain_username=settings.kafka_sasl_username,
        sasl_plain_password=settings.kafka_sasl_password.get_secret_value(),
    )
    return options
