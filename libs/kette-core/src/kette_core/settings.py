"""Settings every service shares, read from KETTE_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path(".kette") / "data"


class KetteSettings(BaseSettings):
    """Base settings; each service subclasses it and sets its own `service` default."""

    model_config = SettingsConfigDict(env_prefix="KETTE_", extra="ignore")

    service: str = Field(default="kette", description="Service name, used as CloudEvents source.")
    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092", description="Kafka bootstrap servers, comma separated."
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"] | None = Field(
        default=None, description="SASL mechanism when the broker requires authentication."
    )
    kafka_sasl_username: str | None = Field(default=None, description="SASL user name.")
    kafka_sasl_password: SecretStr | None = Field(default=None, description="SASL password.")
    kafka_use_tls: bool = Field(default=False, description="Connect to Kafka over TLS.")
    database_url: str | None = Field(
        default=None,
        description="Async SQLAlchemy URL; defaults to a SQLite file under .kette/data/.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO")
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto", description="auto = JSON when stderr is not a terminal."
    )

    @property
    def event_source(self) -> str:
        """CloudEvents `source` of everything this service publishes."""
        return f"/kette/{self.service}"

    def resolved_database_url(self) -> str:
        """The configured URL, or this service's own SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{DATA_DIR / f'{self.service}.db'}"
