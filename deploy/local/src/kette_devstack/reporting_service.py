"""The reporting service (`python -m kette_reporting`) as a part of the local stack."""

import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kette_devstack.health import StartOutcome
from kette_devstack.kafka import KafkaNode
from kette_devstack.part import CLI_OWNER, Part, Progress, no_progress
from kette_devstack.ports import require_free_ports
from kette_devstack.process import spawn
from kette_devstack.service_env import readiness_failures, service_env, source_fingerprint
from kette_devstack.settings import LOOPBACK

PRINCIPAL = "reporting"
"""Reporting's Kafka principal (secure mode): reads every domain topic, writes none."""


class ReportingPartSettings(BaseSettings):
    """Where the local reporting API and dashboard listen."""

    model_config = SettingsConfigDict(env_prefix="KETTE_", extra="ignore")

    reporting_port: int = Field(default=8130, description="HTTP port of the local reporting API.")


class ReportingServer(Part):
    """Projections, state report and dashboard; healthy when /readyz says database and Kafka
    answer and the consumer moves."""

    name = "reporting"

    def __init__(
        self, state_dir: Path, kafka: KafkaNode, start_timeout: float, port: int | None = None
    ) -> None:
        super().__init__(state_dir, start_timeout)
        self.kafka = kafka
        self.port = port if port is not None else ReportingPartSettings().reporting_port

    @property
    def mode(self) -> str:
        """The code it runs: a service started before the code changed is replaced on `up`."""
        return source_fingerprint("kette_reporting", "kette_core")

    def start(self, owner: str = CLI_OWNER, progress: Progress = no_progress) -> StartOutcome:
        """Like every part, but a service running older code is restarted, not reused."""
        record = self.pid_file.live_record()
        if record is not None and record.mode != self.mode:
            progress("reporting's code changed since it started: restarting it")
            self.stop()
        return super().start(owner, progress)

    @property
    def url(self) -> str:
        """Base URL; /dashboard is the coordinators' page, /docs the OpenAPI document."""
        return f"http://{LOOPBACK}:{self.port}"

    def _preflight(self, progress: Progress) -> None:
        require_free_ports(self.name, {"HTTP": self.port}, "KETTE_REPORTING_PORT")

    def _spawn(self) -> tuple[int, str]:
        env = service_env(self.kafka, PRINCIPAL)
        env.update(
            KETTE_HTTP_HOST=LOOPBACK,
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=f"sqlite+aiosqlite:///{self.state_dir / 'data' / 'reporting.db'}",
        )
        argv = [sys.executable, "-m", "kette_reporting"]
        return spawn(argv, self.log_file, env=env), "kette_reporting"

    def _converge(self, progress: Progress) -> None:
        """Nothing: the service migrates itself at start."""

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for reporting to answer {self.url}/readyz")
        self._wait_until(pid, lambda: self._probe()[0], "answering /readyz")

    def _probe(self) -> tuple[bool, str]:
        failing = readiness_failures(f"{self.url}/readyz")
        if failing:
            return False, f"{self.url} not ready: {failing}"
        return True, f"dashboard on {self.url}/dashboard (docs {self.url}/docs); ready"
