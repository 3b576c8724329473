"""Settings for librdkafka clients (confluent-kafka, kcat), the stack's provider example."""

from typing import Literal

from kette_devstack.kafka_admin import KafkaConnection

ScramMechanism = Literal["SCRAM-SHA-256", "SCRAM-SHA-512"]

# librdkafka's default partitioner hashes keys with CRC32, Java and aiokafka with murmur2: a
# participant's records written by both would land on different partitions and lose order.
PARTITIONER = "murmur2_random"


def librdkafka_config(
    connection: KafkaConnection, mechanism: ScramMechanism = "SCRAM-SHA-512"
) -> dict[str, str]:
    """A librdkafka configuration that logs in like the services and partitions like them."""
    config = {"bootstrap.servers": connection.bootstrap, "partitioner": PARTITIONER}
    if connection.username is None or connection.password is None:
        return config
    return config | {
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": mechanism,
        "sasl.username": connection.username,
        "sasl.password": connection.password,
    }
