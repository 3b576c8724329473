"""A FastStream KafkaBroker built from settings; building it does not connect."""

from __future__ import annotations

import logging
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
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
    options.setdefault("logger", _QuietAboutTopics(structlog.get_logger("faststream")))
    options.setdefault("log_level", logging.DEBUG)
    options.setdefault("allow_auto_create_topics", False)  # topics are infrastructure
    return KafkaBroker(
        settings.kafka_bootstrap,
        security=kafka_security(settings),
        client_id=f"kette-{settings.service}",
        enable_idempotence=True,
        **options,
    )


def aiokafka_producer(broker: KafkaBroker) -> AIOKafkaProducer | None:
    """The started aiokafka producer under the broker, for `EventPublisher`'s batches.

    FastStream keeps it private (faststream is pinned in requirements/dev.txt, and
    `tests/integration/core/test_core_publisher_on_kafka.py` fails if this stops finding
    it). None when the broker is not started, is FastStream's in-memory test broker, or
    has middlewares, which must see every message: then publish through FastStream.
    """
    if broker.middlewares:
        return None
    state = getattr(broker.config.producer, "_producer", None)
    producer = getattr(state, "producer", None)
    return producer if isinstance(producer, AIOKafkaProducer) else None


class _QuietAboutTopics:
    """FastStream's logger, minus its warning at every subscriber start that topics exist.

    Services never create topics (`allow_auto_create_topics=False`), so the warning says
    nothing new and, once per subscribed topic, buries what does. It is kept at debug level.
    """

    _NOTICE = "Auto create topics is disabled"

    def __init__(self, logger: Any) -> None:
        self._logger = logger

    def log(self, level: int, message: str, *args: Any, **kwargs: Any) -> Any:
        """Pass every line on; the topic notice at debug level."""
        if level == logging.WARNING and message.startswith(self._NOTICE):
            level = logging.DEBUG
        return self._logger.log(level, message, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)
