"""A single-node KRaft Kafka broker run straight from Maven-resolved jars."""

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from kette_devstack import kafka_admin, topics
from kette_devstack.blocking import run_blocking
from kette_devstack.consumer_lag import GROUP_PREFIXES, GroupVerdict, LagMonitor
from kette_devstack.errors import StackError
from kette_devstack.kafka_admin import KafkaConnection, TopicSpec
from kette_devstack.kafka_admin_tool import apply_security_plan, write_private
from kette_devstack.kafka_files import log4j2_properties, new_cluster_id, server_properties
from kette_devstack.kafka_security import ADMIN, CredentialStore, security_plan
from kette_devstack.locking import file_lock
from kette_devstack.maven import ensure_kafka_jars, require_java
from kette_devstack.part import Part, Progress
from kette_devstack.ports import port_answers, require_free_ports
from kette_devstack.process import spawn
from kette_devstack.settings import LOOPBACK, KafkaSecurity, StackSettings, repo_root


def _kafka_dir() -> Path:
    return repo_root() / "deploy" / "local" / "kafka"


@dataclass(frozen=True)
class KafkaConfig:
    """Everything that distinguishes one local broker from another."""

    state_dir: Path
    libs_dir: Path
    port: int = 9092
    controller_port: int = 9093
    security: KafkaSecurity = "plaintext"
    heap: str = "512m"
    seed_providers: tuple[str, ...] = ()
    pom: Path = field(default_factory=lambda: _kafka_dir() / "pom.xml")
    admin_tool: Path = field(default_factory=lambda: _kafka_dir() / "KetteAdmin.java")

    @classmethod
    def from_settings(cls, settings: StackSettings) -> "KafkaConfig":
        return cls(
            state_dir=settings.state_dir,
            libs_dir=settings.kafka_libs_dir,
            port=settings.kafka_port,
            controller_port=settings.kafka_controller_port,
            security=settings.kafka_security,
            heap=settings.kafka_heap,
            seed_providers=tuple(settings.seed_providers),
        )

    @property
    def home(self) -> Path:
        return self.state_dir / "kafka"

    @property
    def bootstrap(self) -> str:
        return f"{LOOPBACK}:{self.port}"


class KafkaNode(Part):
    """Formats storage on first start, runs `kafka.Kafka`, then converges topics and ACLs."""

    name = "kafka"

    def __init__(self, config: KafkaConfig, start_timeout: float = 120.0) -> None:
        super().__init__(config.state_dir, start_timeout)
        self.config = config
        self.credentials = CredentialStore(config.home / "credentials.json")

    @property
    def mode(self) -> str:
        return self.config.security

    @property
    def security(self) -> KafkaSecurity:
        """The running broker's security mode, else the configured one."""
        record = self.pid_file.live_record()
        mode = record.mode if record is not None else self.config.security
        return "scram" if mode == "scram" else "plaintext"

    @property
    def bootstrap(self) -> str:
        return self.config.bootstrap

    def connection(self, principal: str = ADMIN) -> KafkaConnection:
        """How a client authenticates as principal (no credentials in plaintext mode)."""
        if self.security == "plaintext":
            return KafkaConnection(self.bootstrap)
        return KafkaConnection(self.bootstrap, principal, self.credentials.password(principal))

    def consumer_groups(self) -> list[GroupVerdict]:
        """Lag of each kette./provider. consumer group and where it makes no progress."""
        connection = self.connection()
        monitor = LagMonitor(
            self.state_dir / "run" / "consumer-lag.json",
            lambda: run_blocking(lambda: kafka_admin.group_readings(connection, GROUP_PREFIXES)),
        )
        return monitor.check()

    def providers(self) -> list[str]:
        """Seed providers plus every provider added with `kette-stack provider add`."""
        return sorted({*self.config.seed_providers, *self._added_providers()})

    def add_provider(self, provider_id: str, progress: Progress = lambda _: None) -> None:
        """Register a provider and create its topics (and principal and ACLs when secure)."""
        topics.validate_provider_id(provider_id)
        if not self.is_running():
            raise StackError(
                "Kafka is not running, so the provider's topics cannot be created",
                "run `make up` first",
            )
        registry = self.config.home / "providers.json"
        with file_lock(registry.with_suffix(".lock")):
            added = sorted({*self._added_providers(), provider_id})
            registry.parent.mkdir(parents=True, exist_ok=True)
            registry.write_text(json.dumps(added))
        self._converge(progress)

    def _added_providers(self) -> list[str]:
        try:
            return [str(p) for p in json.loads((self.config.home / "providers.json").read_text())]
        except FileNotFoundError:
            return []

    def _preflight(self, progress: Progress) -> None:
        require_java()
        require_free_ports(
            "Kafka",
            {"client": self.config.port, "controller": self.config.controller_port},
            "KETTE_KAFKA_PORT / KETTE_KAFKA_CONTROLLER_PORT",
        )
        ensure_kafka_jars(self.config.pom, self.config.libs_dir, progress)

    def _spawn(self) -> tuple[int, str]:
        home = self.config.home
        config_dir = home / "config"
        config_dir.mkdir(parents=True, exist_ok=True)
        server = config_dir / "server.properties"
        write_private(
            server,
            server_properties(
                home / "data",
                self.config.port,
                self.config.controller_port,
                self.config.security,
                self.credentials.password(ADMIN),
            ),
        )
        log4j = config_dir / "log4j2.properties"
        log4j.write_text(log4j2_properties())
        if not (home / "data" / "meta.properties").is_file():
            self._format(server, log4j)
        argv = [
            require_java(),
            "-Xms128m",
            f"-Xmx{self.config.heap}",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={log4j}",
            "-cp",
            f"{self.config.libs_dir}/*",
            "kafka.Kafka",
            str(server),
        ]
        return spawn(argv, self.log_file, cwd=home), str(server)

    def _format(self, server: Path, log4j: Path) -> None:
        """Format KRaft storage once; the admin SCRAM user is created here in every mode,
        so a plaintext stack can later be restarted in secure mode."""
        admin = f"SCRAM-SHA-512=[name={ADMIN},password={self.credentials.password(ADMIN)}]"
        argv = [require_java(), f"-Dlog4j2.configurationFile={log4j}", "-cp"]
        argv += [f"{self.config.libs_dir}/*", "kafka.tools.StorageTool", "format"]
        argv += ["-t", new_cluster_id(), "-c", str(server), "--add-scram", admin]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise StackError(
                f"formatting Kafka storage failed: {detail[-1] if detail else 'no output'}",
                f"remove {self.config.home / 'data'} and run `make up` again",
            )

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for the Kafka broker on {self.bootstrap}")
        self._wait_until(pid, self._answers_metadata, "metadata request")

    def _answers_metadata(self) -> bool:
        if not port_answers(self.config.port):
            return False
        try:
            return run_blocking(lambda: kafka_admin.broker_count(self.connection())) > 0
        except Exception:
            return False

    def _converge(self, progress: Progress) -> None:
        providers = self.providers()
        if self.security == "scram":
            progress("applying Kafka users and ACLs")
            self._apply_security(providers)
        progress("creating topics")
        specs = [
            TopicSpec(name, topics.DOMAIN_PARTITIONS, topics.UNLIMITED_RETENTION)
            for name in topics.DOMAIN_TOPICS
        ]
        specs += [
            TopicSpec(name, topics.DOMAIN_PARTITIONS, topics.UNLIMITED_RETENTION)
            for provider_id in providers
            for name in topics.provider_topics(provider_id)
        ]
        run_blocking(lambda: kafka_admin.ensure_topics(self.connection(), specs))

    def _apply_security(self, providers: list[str]) -> None:
        apply_security_plan(
            source=self.config.admin_tool,
            libs_dir=self.config.libs_dir,
            work_dir=self.config.home / "admin",
            bootstrap=self.bootstrap,
            admin_password=self.credentials.password(ADMIN),
            plan=security_plan(providers, self.credentials),
        )

    def _probe(self) -> tuple[bool, str]:
        if not port_answers(self.config.port):
            return False, f"process runs but {self.bootstrap} does not answer"
        try:
            present = run_blocking(lambda: kafka_admin.list_topics(self.connection()))
        except Exception as exc:
            return False, f"metadata request failed: {type(exc).__name__}: {exc}"
        missing = [name for name in topics.DOMAIN_TOPICS if name not in present]
        if missing:
            return False, f"domain topics missing: {', '.join(missing)} (run `make up`)"
        return True, f"metadata OK on {self.bootstrap} ({self.security}), domain topics present"
