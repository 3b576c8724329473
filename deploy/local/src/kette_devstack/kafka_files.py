"""Rendered broker configuration, kept pure so secure and plaintext layouts are easy to read."""

import base64
import uuid
from pathlib import Path

from kette_devstack.settings import LOOPBACK, KafkaSecurity

# Every SCRAM mechanism a client may choose: aiokafka here uses SHA-512, librdkafka clients
# (kcat, confluent-kafka) are often set up with SHA-256; each user has credentials for both.
CLIENT_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")

_COMMON = {
    "process.roles": "broker,controller",
    "node.id": "1",
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "CLIENT",
    "auto.create.topics.enable": "false",
    "num.partitions": "3",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "10",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "group.initial.rebalance.delay.ms": "0",
}


def server_properties(
    data_dir: Path, port: int, controller_port: int, security: KafkaSecurity, admin_password: str
) -> str:
    """A single-node KRaft configuration listening on loopback only."""
    props = dict(_COMMON)
    props["log.dirs"] = str(data_dir)
    props["controller.quorum.voters"] = f"1@{LOOPBACK}:{controller_port}"
    props["listeners"] = f"CLIENT://{LOOPBACK}:{port},CONTROLLER://{LOOPBACK}:{controller_port}"
    props["advertised.listeners"] = f"CLIENT://{LOOPBACK}:{port}"
    if security == "plaintext":
        props["listener.security.protocol.map"] = "CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    else:
        props.update(_secure_properties(admin_password))
    return "".join(f"{key}={value}\n" for key, value in props.items())


def _secure_properties(admin_password: str) -> dict[str, str]:
    """SCRAM (SHA-256 and SHA-512, as clients choose) for clients; PLAIN for the controller
    listener, since KRaft keeps SCRAM credentials in the metadata log the controller is still
    loading."""
    scram = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="admin" password="{admin_password}";'
    )
    plain = (
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="admin" password="{admin_password}" user_admin="{admin_password}";'
    )
    return {
        "listener.security.protocol.map": "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
        "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.client.sasl.enabled.mechanisms": ",".join(CLIENT_MECHANISMS),
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        **{f"listener.name.client.{m.lower()}.sasl.jaas.config": scram for m in CLIENT_MECHANISMS},
        "listener.name.controller.plain.sasl.jaas.config": plain,
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users": "User:admin",
        "allow.everyone.if.no.acl.found": "false",
    }


def admin_client_properties(bootstrap: str, admin_password: str) -> str:
    """Java Admin client settings for the admin tool (secure mode only)."""
    return (
        f"bootstrap.servers={bootstrap}\n"
        "security.protocol=SASL_PLAINTEXT\n"
        "sasl.mechanism=SCRAM-SHA-512\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="admin" password="{admin_password}";\n'
    )


def log4j2_properties() -> str:
    """Broker logs to stdout (redirected into .kette/logs/kafka.log): warnings, plus the
    server's lifecycle lines so a start or stop is visible."""
    return (
        "status = warn\n"
        "appender.out.type = Console\n"
        "appender.out.name = out\n"
        "appender.out.layout.type = PatternLayout\n"
        "appender.out.layout.pattern = [%d] %p %m (%c)%n\n"
        "rootLogger.level = WARN\n"
        "rootLogger.appenderRef.out.ref = out\n"
        "logger.lifecycle.name = kafka.server.KafkaRaftServer\n"
        "logger.lifecycle.level = INFO\n"
        "logger.broker.name = kafka.server.BrokerServer\n"
        "logger.broker.level = INFO\n"
    )


def new_cluster_id() -> str:
    """A Kafka cluster id (URL-safe base64 of a random UUID, unpadded), without a JVM start.
    Like Kafka's own Uuid.randomUuid, never one starting with '-': the CLI would read an option."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate
