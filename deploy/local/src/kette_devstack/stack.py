"""The parts of the local stack built from settings, in start order."""

from dataclasses import dataclass

from kette_devstack.health import Health
from kette_devstack.kafka import KafkaConfig, KafkaNode
from kette_devstack.part import Part
from kette_devstack.postgres import PostgresConfig, PostgresServer
from kette_devstack.settings import StackSettings
from kette_devstack.temporal import TemporalConfig, TemporalServer

PART_NAMES = ("kafka", "temporal", "postgres")
DEFAULT_UP = ("kafka", "temporal")  # PostgreSQL is for tests; they start it on demand


@dataclass(frozen=True)
class Stack:
    """Kafka, Temporal and PostgreSQL sharing one state dir."""

    kafka: KafkaNode
    temporal: TemporalServer
    postgres: PostgresServer

    @classmethod
    def from_settings(cls, settings: StackSettings | None = None) -> "Stack":
        settings = settings or StackSettings()
        timeout = settings.start_timeout_seconds
        return cls(
            kafka=KafkaNode(KafkaConfig.from_settings(settings), timeout),
            temporal=TemporalServer(TemporalConfig.from_settings(settings), timeout),
            postgres=PostgresServer(PostgresConfig.from_settings(settings), timeout),
        )

    def parts(self, names: tuple[str, ...] = PART_NAMES) -> list[Part]:
        """Parts by name, in start order."""
        by_name: dict[str, Part] = {
            "kafka": self.kafka,
            "temporal": self.temporal,
            "postgres": self.postgres,
        }
        return [by_name[name] for name in PART_NAMES if name in names]

    def status(self) -> list[Health]:
        return [part.health() for part in self.parts()]
