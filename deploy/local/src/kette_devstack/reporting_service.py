"""The reporting service (`python -m kette_reporting`) as a part of the local stack."""

import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kette_devstack.intake_service import IntakePartSettings
from kette_devstack.kafka import KafkaNode
from kette_devstack.process import spawn
from kette_devstack.service_env import HttpServicePart, intake_token_secret, service_env
from kette_devstack.settings import LOOPBACK

PRINCIPAL = "reporting"
"""Reporting's Kafka principal (secure mode): reads every domain topic, writes none."""


class ReportingPartSettings(BaseSettings):
    """Where the local reporting API and dashboard listen."""

    model_config = SettingsConfigDict(env_prefix="KETTE_", extra="ignore")

    reporting_port: int = Field(default=8130, description="HTTP port of the local reporting API.")


class ReportingServer(HttpServicePart):
    """Projections, state report and the coordinators' dashboard (`/dashboard`); logins are
    intake's: its token secret verifies readers, its `/api/token` checks their passwords."""

    name = "reporting"
    packages = ("kette_reporting",)
    port_variable = "KETTE_REPORTING_PORT"

    def __init__(
        self, state_dir: Path, kafka: KafkaNode, start_timeout: float, port: int | None = None
    ) -> None:
        chosen = port if port is not None else ReportingPartSettings().reporting_port
        super().__init__(state_dir, kafka, start_timeout, chosen)

    def _spawn(self) -> tuple[int, str]:
        env = service_env(self.kafka, PRINCIPAL)
        database = self.state_dir / "data" / "reporting.db"
        env.update(
            KETTE_HTTP_HOST=LOOPBACK,
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
            KETTE_INTAKE_URL=f"http://{LOOPBACK}:{IntakePartSettings().intake_port}",
        )
        token_secret = intake_token_secret(self.state_dir)  # else figures refuse everyone
        if token_secret is not None:
            env["KETTE_TOKEN_SECRET"] = token_secret
        argv = [sys.executable, "-m", "kette_reporting"]
        return spawn(argv, self.log_file, env=env), "kette_reporting"
