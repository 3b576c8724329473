"""A FastStream KafkaBroker built from settings; building it does not connect."""

from __future__ import annotations

import logging
from typing import Any

import structlog
from faststream.kafka import KafkaBroker
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from kette_core.settings import KetteSettings

_SASL = {"SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512, "PLAIN": SASLPlaintext}


def kafka_security(settings: KetteSettings) -> BaseSecurity | None:
    """SASL credentials when configured (providers and production), else plaintext."""
    if settings.kafka_sasl_mechanism is None:
        return BaseSecurity(use_ssl=True) if settings.kafka_use_tls else None
    if not settings.kafka_sasl_username or settings.kafka_sasl_password is None:
        raise ValueError(
            "KETTE_KAFKA_SASL_USERNAME and KETTE_KAFKA_SASL_PASSWORD are required "
            f"when KETTE_KAFKA_SASL_MECHANISM is {settings.kafka_sasl_mechanism}"
        )
    return _SASL[settings.kafka_sasl_mechanism](
        settings.kafka_sasl_username,
        settings.kafka_sasl_password.get_secret_value(),
        use_ssl=settings.kafka_use_tls,
    )


def build_broker(settings: KetteSettings, **options: Any) -> KafkaBroker:
    """Idempotent producer (acks=all), so retries neither duplicate nor reorder records.

    FastStream's per-message access lines go through structlog at debug level, so
    production logs stay JSON and carry only our own event names. Services never create
    topics: the stack (or the cluster's operator) does, with the right retention and ACLs.
    """
    options.setdefault("logger", structlog.get_logger("faststream"))
    options.setdefault("log_level", logging.DEBUG)
    options.setdefault("allow_auto_create_topics", False)  # topics are infrastructure
    return KafkaBroker(
        settings.kafka_bootstrap,
        security=kafka_security(settings),
        client_id=f"kette-{settings.service}",
        enable_idempotence=True,
        **options,
    )
