"""The provider gateway (`python -m kette_provider_gateway`) as a part of the local stack."""

import secrets
import shlex
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin_tool import write_private
from kette_devstack.process import spawn
from kette_devstack.service_env import HttpServicePart, service_env
from kette_devstack.settings import LOOPBACK

PRINCIPAL = "provider-gateway"
"""The gateway's Kafka principal (secure mode): reads the chain and providers' reports topics,
writes their referrals topics and kette.provider-status.v1."""


class GatewayPartSettings(BaseSettings):
    """Where the local gateway API listens."""

    model_config = SettingsConfigDict(env_prefix="KETTE_", extra="ignore")

    gateway_port: int = Field(default=8120, description="HTTP port of the local provider API.")


class GatewayServer(HttpServicePart):
    """Provider API and admin API; registering a provider runs `kette-stack provider add`, so
    its topics (and in secure mode principal and ACLs) exist before the gateway writes."""

    name = "gateway"
    packages = ("kette_provider_gateway",)
    port_variable = "KETTE_GATEWAY_PORT"

    def __init__(
        self, state_dir: Path, kafka: KafkaNode, start_timeout: float, port: int | None = None
    ) -> None:
        chosen = port if port is not None else GatewayPartSettings().gateway_port
        super().__init__(state_dir, kafka, start_timeout, chosen)

    @property
    def admin_token_file(self) -> Path:
        """The local admin API's bearer token, readable only by the developer."""
        return self.state_dir / "data" / "gateway.admin-token"

    def _spawn(self) -> tuple[int, str]:
        env = service_env(self.kafka, PRINCIPAL)
        database = self.state_dir / "data" / "provider-gateway.db"
        env.update(
            KETTE_HTTP_HOST=LOOPBACK,
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
            KETTE_ADMIN_TOKEN=self._admin_token(),
            KETTE_PROVISION_COMMAND=f"{shlex.quote(sys.executable)} -m kette_devstack.cli "
            "provider add {provider_id}",
            KETTE_CREDENTIALS_COMMAND=f"{shlex.quote(sys.executable)} -m kette_devstack.cli "
            "provider {action} {provider_id}",
        )
        argv = [sys.executable, "-m", "kette_provider_gateway"]
        return spawn(argv, self.log_file, env=env), "kette_provider_gateway"

    def _admin_token(self) -> str:
        """Made once per state dir, so `make up` keeps the token a developer copied."""
        if not self.admin_token_file.exists():
            write_private(self.admin_token_file, secrets.token_urlsafe(32))
        return self.admin_token_file.read_text().strip()
