"""A single-node KRaft Kafka broker run straight from Maven-resolved jars."""

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kette_devstack import kafka_admin, topics
from kette_devstack.blocking import run_blocking
from kette_devstack.consumer_lag import GROUP_PREFIXES, GroupVerdict, LagMonitor
from kette_devstack.errors import StackError
from kette_devstack.kafka_admin import KafkaConnection, TopicSpec
from kette_devstack.kafka_admin_tool import apply_security_plan, write_private
from kette_devstack.kafka_files import log4j2_properties, new_cluster_id, server_properties
from kette_devstack.kafka_security import (
    ADMIN,
    CredentialStore,
    provider_principal,
    security_plan,
)
from kette_devstack.locking import file_lock
from kette_devstack.maven import ensure_kafka_jars, require_java
from kette_devstack.part import Part, Progress
from kette_devstack.ports import port_answers, require_free_ports
from kette_devstack.process import spawn
from kette_devstack.settings import LOOPBACK, KafkaSecurity, StackSettings, repo_root

ADDED_PROVIDERS = "providers.json"
REVOKED_PROVIDERS = "revoked-providers.json"
"""Registries under the broker's home: providers added at run time, and revoked ones."""


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
        """Seed providers plus every provider added with `kette-stack provider add`, less the
        revoked ones."""
        return sorted(self._known_providers() - set(self.revoked_providers()))

    def _known_providers(self) -> set[str]:
        """Seeds and added providers, revoked or not."""
        return {*self.config.seed_providers, *self._registry(ADDED_PROVIDERS)}

    def revoked_providers(self) -> list[str]:
        """Providers whose principal `kette-stack provider revoke` deleted."""
        return self._registry(REVOKED_PROVIDERS)

    def add_provider(self, provider_id: str, progress: Progress = lambda _: None) -> None:
        """Register a provider and create its topics (and principal and ACLs when secure); a
        revoked provider comes back with a new password."""
        topics.validate_provider_id(provider_id)
        self._require_running("the provider's topics cannot be created")
        if provider_id in self.revoked_providers():
            self.credentials.rotate(provider_principal(provider_id))
        self._update_registry(ADDED_PROVIDERS, lambda ids: ids | {provider_id})
        self._update_registry(REVOKED_PROVIDERS, lambda ids: ids - {provider_id})
        self._converge(progress)

    def rotate_provider(self, provider_id: str, progress: Progress = lambda _: None) -> str:
        """A new SCRAM password for the provider's principal; the old one is refused at the next
        login (an open connection stays until it reconnects). Returns the new password."""
        self._require_active(provider_id, "the provider's password cannot be changed")
        if self.security != "scram":
            raise StackError(
                "Kafka runs without SCRAM, so providers have no password to rotate",
                "start the stack in secure mode: `kette-stack up --secure`",
            )
        password = self.credentials.rotate(provider_principal(provider_id))
        progress("applying Kafka users and ACLs")
        self._apply_security(self.providers())
        return password

    def revoke_provider(self, provider_id: str, progress: Progress = lambda _: None) -> None:
        """Delete the provider's principal (credentials and ACLs): it can no longer log in,
        and a session still open can no longer read or write. Topics and data stay. Without
        SCRAM there is no principal; the provider is only marked, so a secure start makes none.
        Revoking a revoked provider again is harmless, so a caller may retry."""
        self._require_running("the provider cannot be revoked")
        if provider_id not in self._known_providers():
            raise StackError(f"no provider {provider_id!r}", "see `kette-stack provider list`")
        self._update_registry(REVOKED_PROVIDERS, lambda ids: ids | {provider_id})
        if self.security == "scram":
            progress("deleting the provider's Kafka user and ACLs")
            self._apply_security(self.providers())
        self.credentials.forget(provider_principal(provider_id))

    def _require_active(self, provider_id: str, consequence: str) -> None:
        """Kafka must run, and the provider must be known and not revoked."""
        self._require_running(consequence)
        if provider_id not in self.providers():
            raise StackError(
                f"no active provider {provider_id!r}", "see `kette-stack provider list`"
            )

    def _require_running(self, consequence: str) -> None:
        if not self.is_running():
            raise StackError(f"Kafka is not running, so {consequence}", "run `make up` first")

    def _registry(self, name: str) -> list[str]:
        try:
            return [str(p) for p in json.loads((self.config.home / name).read_text())]
        except FileNotFoundError:
            return []

    def _update_registry(self, name: str, change: Callable[[set[str]], set[str]]) -> None:
        registry = self.config.home / name
        with file_lock(registry.with_suffix(".lock")):
            registry.parent.mkdir(parents=True, exist_ok=True)
            registry.write_text(json.dumps(sorted(change(set(self._registry(name))))))

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
            plan=security_plan(providers, self.credentials, self.revoked_providers()),
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
