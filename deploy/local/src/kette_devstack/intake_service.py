"""The intake service (`python -m kette_intake`) as a part of the local stack."""

import base64
import json
import os
import secrets
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kette_devstack.kafka import KafkaNode
from kette_devstack.part import Part, Progress
from kette_devstack.ports import require_free_ports
from kette_devstack.process import spawn
from kette_devstack.service_env import readiness_failures, service_env
from kette_devstack.settings import LOOPBACK

PRINCIPAL = "intake"
"""Intake's Kafka principal (secure mode): writes kette.participants.v1 and kette.access.v1."""
SECRET_NAMES = ("key_encryption_key", "blind_index_key", "token_secret")


class IntakePartSettings(BaseSettings):
    """Where the local intake listens (kept apart from the stack's shared settings)."""

    model_config = SettingsConfigDict(env_prefix="KETTE_", extra="ignore")

    intake_port: int = Field(default=8100, description="HTTP port of the local intake API.")


class IntakeServer(Part):
    """Healthy when /readyz says its database, Kafka and Temporal answer."""

    name = "intake"

    def __init__(
        self,
        state_dir: Path,
        temporal_address: str,
        kafka: KafkaNode,
        start_timeout: float,
        port: int | None = None,
    ) -> None:
        super().__init__(state_dir, start_timeout)
        self.temporal_address = temporal_address
        self.kafka = kafka
        self.port = port if port is not None else IntakePartSettings().intake_port

    @property
    def url(self) -> str:
        """Base URL of the API; /docs shows the OpenAPI document."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def database_url(self) -> str:
        """Intake's own database (SQLite in the state directory); `make demo` adds accounts."""
        return f"sqlite+aiosqlite:///{self.state_dir / 'data' / 'intake.db'}"

    @property
    def secrets_file(self) -> Path:
        """The local keys; generated once, so restarts can still read stored personal data."""
        return self.state_dir / "secrets" / "intake.json"

    def _preflight(self, progress: Progress) -> None:
        require_free_ports(self.name, {"HTTP": self.port}, "KETTE_INTAKE_PORT")
        self._local_secrets()

    def _spawn(self) -> tuple[int, str]:
        env = service_env(self.kafka, PRINCIPAL, self.temporal_address)
        env.update(
            {f"KETTE_{name.upper()}": value for name, value in self._local_secrets().items()},
            KETTE_HTTP_HOST=LOOPBACK,
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=self.database_url,
        )
        argv = [sys.executable, "-m", "kette_intake"]
        return spawn(argv, self.log_file, env=env), "kette_intake"

    def _converge(self, progress: Progress) -> None:
        """Nothing yet: demo accounts arrive with `make demo`'s intake steps."""

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for intake to answer {self.url}/readyz")
        self._wait_until(pid, lambda: self._probe()[0], "answering /readyz")

    def _probe(self) -> tuple[bool, str]:
        failing = readiness_failures(f"{self.url}/readyz")
        if failing:
            return False, f"{self.url} not ready: {failing}"
        return True, f"API on {self.url} (docs {self.url}/docs); database, Kafka, Temporal ready"

    def _local_secrets(self) -> dict[str, str]:
        """Read the local keys, creating them (owner-only) on first use."""
        if not self.secrets_file.is_file():
            self.secrets_file.parent.mkdir(parents=True, exist_ok=True)
            fresh = {
                name: base64.b64encode(secrets.token_bytes(32)).decode() for name in SECRET_NAMES
            }
            descriptor = os.open(self.secrets_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                json.dump(fresh, handle)
        stored: dict[str, str] = json.loads(self.secrets_file.read_text())
        return stored


def _new_key() -> str:
    """32 random bytes in base64, the form intake's key settings take."""
    return base64.b64encode(secrets.token_bytes(32)).decode()
