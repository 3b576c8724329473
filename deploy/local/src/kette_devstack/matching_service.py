"""The matching service (`python -m kette_matching`) as a part of the local stack."""

import sys
from datetime import UTC, datetime
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kette_devstack.health import StartOutcome
from kette_devstack.kafka import KafkaNode
from kette_devstack.part import CLI_OWNER, Part, Progress, no_progress
from kette_devstack.ports import require_free_ports
from kette_devstack.process import spawn
from kette_devstack.service_env import (
    intake_token_secret,
    readiness_failures,
    service_env,
    source_fingerprint,
)
from kette_devstack.settings import LOOPBACK

PRINCIPAL = "matching"
"""Matching's Kafka principal (secure mode): reads chain, participants, provider-status."""


class MatchingPartSettings(BaseSettings):
    """Where the local matching API listens (kept apart from the stack's shared settings)."""

    model_config = SettingsConfigDict(env_prefix="KETTE_", extra="ignore")

    matching_port: int = Field(default=8110, description="HTTP port of the local matching API.")


class MatchingServer(Part):
    """Seeded with the Kreis Unna catalogue; healthy when /readyz says database and Kafka answer."""

    name = "matching"

    def __init__(
        self, state_dir: Path, kafka: KafkaNode, start_timeout: float, port: int | None = None
    ) -> None:
        super().__init__(state_dir, start_timeout)
        self.kafka = kafka
        self.port = port if port is not None else MatchingPartSettings().matching_port

    @property
    def mode(self) -> str:
        """The code it runs: a service started before the code changed is replaced on `up`."""
        return source_fingerprint("kette_matching", "kette_core")

    def start(self, owner: str = CLI_OWNER, progress: Progress = no_progress) -> StartOutcome:
        """Like every part, but a service running older code is restarted, not reused."""
        record = self.pid_file.live_record()
        if record is not None and record.mode != self.mode:
            progress("matching's code changed since it started: restarting it")
            self.stop()
        return super().start(owner, progress)

    @property
    def url(self) -> str:
        """Base URL of the API; /docs shows the OpenAPI document."""
        return f"http://{LOOPBACK}:{self.port}"

    def _preflight(self, progress: Progress) -> None:
        require_free_ports(self.name, {"HTTP": self.port}, "KETTE_MATCHING_PORT")

    def _spawn(self) -> tuple[int, str]:
        env = service_env(self.kafka, PRINCIPAL)
        env.update(
            KETTE_HTTP_HOST=LOOPBACK,
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=f"sqlite+aiosqlite:///{self.state_dir / 'data' / 'matching.db'}",
            KETTE_SEED_CATALOGUE="true",
            KETTE_ANSWER_REQUESTS_SINCE=self._answering_since(),
        )
        token_secret = intake_token_secret(self.state_dir)  # else no catalogue change
        if token_secret is not None:
            env["KETTE_TOKEN_SECRET"] = token_secret
        argv = [sys.executable, "-m", "kette_matching"]
        return spawn(argv, self.log_file, env=env), "kette_matching"

    def _answering_since(self) -> str:
        """When this stack's matching database began: earlier requests had the scenario's
        stand-in answer them, so a new database must not answer them a second time."""
        database = self.state_dir / "data" / "matching.db"
        since = self.state_dir / "data" / "matching.answers-since"
        if not database.exists() or not since.exists():
            since.parent.mkdir(parents=True, exist_ok=True)
            since.write_text(datetime.now(UTC).isoformat())
        return since.read_text().strip()

    def _converge(self, progress: Progress) -> None:
        """Nothing: the service migrates and seeds itself at start."""

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for matching to answer {self.url}/readyz")
        self._wait_until(pid, lambda: self._probe()[0], "answering /readyz")

    def _probe(self) -> tuple[bool, str]:
        failing = readiness_failures(f"{self.url}/readyz")
        if failing:
            return False, f"{self.url} not ready: {failing}"
        return True, f"API on {self.url} (docs {self.url}/docs); database and Kafka ready"
