"""The environment a stack-run service process starts with: the stack's Kafka and Temporal."""

import os

from kette_devstack.kafka import KafkaNode


def service_env(kafka: KafkaNode, principal: str, temporal_address: str) -> dict[str, str]:
    """KETTE_* variables on top of ours; SCRAM credentials of `principal` in secure mode."""
    env = dict(os.environ)
    connection = kafka.connection(principal)
    env.update(
        KETTE_TEMPORAL_ADDRESS=temporal_address,
        KETTE_KAFKA_BOOTSTRAP=connection.bootstrap,
        KETTE_LOG_FORMAT="json",
    )
    if connection.username is not None and connection.password is not None:
        env.update(
            KETTE_KAFKA_SASL_MECHANISM="SCRAM-SHA-512",
            KETTE_KAFKA_SASL_USERNAME=connection.username,
            KETTE_KAFKA_SASL_PASSWORD=connection.password,
        )
    return env
