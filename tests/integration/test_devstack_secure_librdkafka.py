"""Secure mode for librdkafka clients: a provider on confluent-kafka logs in with SCRAM."""

import uuid
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaProducer
from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer

from kette_devstack import topics
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin import KafkaConnection
from kette_devstack.kafka_security import provider_principal
from kette_devstack.librdkafka import ScramMechanism, librdkafka_config

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]

MECHANISMS: list[ScramMechanism] = ["SCRAM-SHA-256", "SCRAM-SHA-512"]
PROVIDER = "librdkafka"  # its own topics, so other tests' records do not mix in
POLLS = 60  # a bound on polls of one second each, so a refused login fails the test


def _produce(config: dict[str, str], topic: str, key: bytes, value: bytes) -> Message:
    """Send one record and return its delivery report (raises on a refused login)."""
    delivered: list[Message] = []
    errors: list[KafkaError] = []
    producer = Producer(config | {"error_cb": errors.append, "message.timeout.ms": "20000"})
    producer.produce(topic, value, key, on_delivery=lambda err, msg: delivered.append(msg))
    for _ in range(POLLS):
        if delivered or any(e.fatal() or _refused(e) for e in errors):
            break
        producer.poll(1.0)
    if not delivered:
        raise KafkaException(errors[-1] if errors else "no delivery report")
    report = delivered[0]
    if report.error() is not None:
        raise KafkaException(report.error())
    return report


def _consume_until(config: dict[str, str], topic: str, group: str, wanted: bytes) -> bytes:
    """Read topic as group until the wanted value arrives (raises on a refused login or read)."""
    errors: list[KafkaError] = []
    settings = {"group.id": group, "auto.offset.reset": "earliest", "error_cb": errors.append}
    consumer = Consumer(config | settings)
    consumer.subscribe([topic])
    try:
        for _ in range(POLLS):
            message = consumer.poll(1.0)
            if message is not None and message.error() is not None:
                raise KafkaException(message.error())
            if message is not None and message.value() == wanted:
                return wanted
            if any(_refused(e) for e in errors):
                raise KafkaException(errors[-1])
    finally:
        consumer.close()
    raise KafkaException(errors[-1] if errors else "the record did not arrive")


def _refused(error: KafkaError) -> bool:
    return bool(error.code() == KafkaError._AUTHENTICATION)


@pytest.fixture(scope="module")
def provider_kafka(secure_kafka: KafkaNode) -> KafkaNode:
    """The secure broker with this module's provider added."""
    secure_kafka.add_provider(PROVIDER)
    return secure_kafka


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_provider_on_confluent_kafka_logs_in_and_writes_its_reports(
    provider_kafka: KafkaNode, mechanism: ScramMechanism
) -> None:
    beta = librdkafka_config(provider_kafka.connection(provider_principal(PROVIDER)), mechanism)

    report = _produce(beta, topics.reports_topic(PROVIDER), b"participant-7", b"enrolled")

    assert (report.topic(), report.error()) == (topics.reports_topic(PROVIDER), None)


@pytest.mark.parametrize("mechanism", MECHANISMS)
async def test_provider_on_confluent_kafka_reads_the_referrals_the_gateway_wrote(
    provider_kafka: KafkaNode, mechanism: ScramMechanism
) -> None:
    referrals = topics.referrals_topic(PROVIDER)
    gateway = provider_kafka.connection("provider-gateway")
    referral = f"referral for {mechanism} {uuid.uuid4()}".encode()
    await _aiokafka_send(gateway, referrals, b"participant-3", referral)
    alpha = librdkafka_config(provider_kafka.connection(provider_principal(PROVIDER)), mechanism)

    read = _consume_until(
        alpha, referrals, f"{provider_principal(PROVIDER)}.{uuid.uuid4().hex}", referral
    )

    assert read == referral


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_confluent_kafka_with_a_wrong_password_is_refused(
    provider_kafka: KafkaNode, mechanism: ScramMechanism
) -> None:
    alpha = provider_kafka.connection(provider_principal(PROVIDER))
    impostor = KafkaConnection(provider_kafka.bootstrap, alpha.username, "guess")

    with pytest.raises(KafkaException):
        _produce(librdkafka_config(impostor, mechanism), topics.reports_topic(PROVIDER), b"k", b"x")


async def test_murmur2_random_puts_a_participant_on_the_partition_aiokafka_chooses(
    new_topic: NewTopic, kafka_bootstrap: str
) -> None:
    topic = await new_topic("partitioner", partitions=3)
    plain = KafkaConnection(kafka_bootstrap)
    keys = [f"participant-{n}".encode() for n in range(12)]

    by_aiokafka = [await _aiokafka_send(plain, topic, key, b"a") for key in keys]
    by_librdkafka = [
        _produce(librdkafka_config(plain), topic, key, b"c").partition() for key in keys
    ]

    assert len(set(by_aiokafka)) > 1  # the keys spread, so equal lists mean equal hashing
    assert by_librdkafka == by_aiokafka


async def _aiokafka_send(connection: KafkaConnection, topic: str, key: bytes, value: bytes) -> int:
    producer = AIOKafkaProducer(**connection.client_kwargs(), request_timeout_ms=10_000)
    await producer.start()
    try:
        metadata = await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()
    return int(metadata.partition)
