"""The parts of the local stack built from settings, in start order."""

from dataclasses import dataclass

from kette_devstack.chain_worker import ChainWorker
from kette_devstack.gateway_service import GatewayServer
from kette_devstack.health import Health
from kette_devstack.intake_service import IntakeServer
from kette_devstack.kafka import KafkaConfig, KafkaNode
from kette_devstack.matching_service import MatchingServer
from kette_devstack.part import Part
from kette_devstack.postgres import PostgresConfig, PostgresServer
from kette_devstack.reporting_service import ReportingServer
from kette_devstack.settings import StackSettings
from kette_devstack.temporal import TemporalConfig, TemporalServer

PART_NAMES = (
    "kafka",
    "temporal",
    "postgres",
    "workflows",
    "intake",
    "matching",
    "gateway",
    "reporting",
)
# PostgreSQL is for tests only
DEFAULT_UP = ("kafka", "temporal", "workflows", "intake", "matching", "gateway", "reporting")


@dataclass(frozen=True)
class Stack:
    """Kafka, Temporal and PostgreSQL sharing one state dir."""

    kafka: KafkaNode
    temporal: TemporalServer
    postgres: PostgresServer
    workflows: ChainWorker
    intake: IntakeServer
    matching: MatchingServer
    gateway: GatewayServer
    reporting: ReportingServer

    @classmethod
    def from_settings(cls, settings: StackSettings | None = None) -> "Stack":
        settings = settings or StackSettings()
        timeout = settings.start_timeout_seconds
        kafka = KafkaNode(KafkaConfig.from_settings(settings), timeout)
        temporal = TemporalServer(TemporalConfig.from_settings(settings), timeout)
        return cls(
            kafka=kafka,
            temporal=temporal,
            postgres=PostgresServer(PostgresConfig.from_settings(settings), timeout),
            workflows=ChainWorker(settings.state_dir, temporal.address, kafka, timeout),
            intake=IntakeServer(settings.state_dir, temporal.address, kafka, timeout),
            matching=MatchingServer(settings.state_dir, kafka, timeout),
            gateway=GatewayServer(settings.state_dir, kafka, timeout),
            reporting=ReportingServer(settings.state_dir, kafka, timeout),
        )

    def parts(self, names: tuple[str, ...] = PART_NAMES) -> list[Part]:
        """Parts by name, in start order."""
        by_name: dict[str, Part] = {
            "kafka": self.kafka,
            "temporal": self.temporal,
            "postgres": self.postgres,
            "workflows": self.workflows,
            "intake": self.intake,
            "matching": self.matching,
            "gateway": self.gateway,
            "reporting": self.reporting,
        }
        return [by_name[name] for name in PART_NAMES if name in names]

    def status(self) -> list[Health]:
        return [part.health() for part in self.parts()]
