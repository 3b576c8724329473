"""The provider gateway (`python -m kette_provider_gateway`) as a part of the local stack."""

import secrets
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kette_devstack.health import StartOutcome
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin_tool import write_private
from kette_devstack.part import CLI_OWNER, Part, Progress, no_progress
from kette_devstack.ports import require_free_ports
from kette_devstack.process import spawn
from kette_devstack.service_env import readiness_failures, service_env, source_fingerprint
from kette_devstack.settings import LOOPBACK

PRINCIPAL = "provider-gateway"
"""The gateway's Kafka principal (secure mode): reads the chain and providers' reports topics,
writes their referrals topics and kette.provider-status.v1."""


class GatewayPartSettings(BaseSettings):
    """Where the local gateway API listens."""

    model_config = SettingsConfigDict(env_prefix="KETTE_", extra="ignore")

    gateway_port: int = Field(default=8120, description="HTTP port of the local provider API.")


class GatewayServer(Part):
    """Provider API and admin API; registering a provider runs `kette-stack provider add`, so
    its topics (and in secure mode principal and ACLs) exist before the gateway writes."""

    name = "gateway"

    def __init__(
        self, state_dir: Path, kafka: KafkaNode, start_timeout: float, port: int | None = None
    ) -> None:
        super().__init__(state_dir, start_timeout)
        self.kafka = kafka
        self.port = port if port is not None else GatewayPartSettings().gateway_port

    @property
    def mode(self) -> str:
        """The code it runs: a gateway started before the code changed is replaced on `up`."""
        return source_fingerprint("kette_provider_gateway", "kette_core")

    def start(self, owner: str = CLI_OWNER, progress: Progress = no_progress) -> StartOutcome:
        """Like every part, but a gateway running older code is restarted, not reused."""
        record = self.pid_file.live_record()
        if record is not None and record.mode != self.mode:
            progress("the gateway's code changed since it started: restarting it")
            self.stop()
        return super().start(owner, progress)

    @property
    def url(self) -> str:
        """Base URL; /docs shows the provider and admin API."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def admin_token_file(self) -> Path:
        """The local admin API's bearer token, readable only by the developer."""
        return self.state_dir / "data" / "gateway.admin-token"

    def _preflight(self, progress: Progress) -> None:
        require_free_ports(self.name, {"HTTP": self.port}, "KETTE_GATEWAY_PORT")

    def _spawn(self) -> tuple[int, str]:
        env = service_env(self.kafka, PRINCIPAL)
        database = self.state_dir / "data" / "provider-gateway.db"
        env.update(
            KETTE_HTTP_HOST=LOOPBACK,
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
            KETTE_ADMIN_TOKEN=self._admin_token(),
            KETTE_PROVISION_COMMAND=f"{sys.executable} -m kette_devstack.cli provider add "
            "{provider_id}",
        )
        argv = [sys.executable, "-m", "kette_provider_gateway"]
        return spawn(argv, self.log_file, env=env), "kette_provider_gateway"

    def _admin_token(self) -> str:
        """Made once per state dir, so `make up` keeps the token a developer copied."""
        if not self.admin_token_file.exists():
            write_private(self.admin_token_file, secrets.token_urlsafe(32))
        return self.admin_token_file.read_text().strip()

    def _converge(self, progress: Progress) -> None:
        """Nothing: the gateway migrates itself at start."""

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for the gateway to answer {self.url}/readyz")
        self._wait_until(pid, lambda: self._probe()[0], "answering /readyz")

    def _probe(self) -> tuple[bool, str]:
        failing = readiness_failures(f"{self.url}/readyz")
        if failing:
            return False, f"{self.url} not ready: {failing}"
        return True, f"API on {self.url} (docs {self.url}/docs); database and Kafka ready"
