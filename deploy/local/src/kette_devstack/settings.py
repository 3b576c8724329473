"""Stack settings from KETTE_* variables, so ports and state can move without code changes."""

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

KafkaSecurity = Literal["plaintext", "scram"]
LOOPBACK = "127.0.0.1"


def repo_root() -> Path:
    """Locate the checkout, because state, the pom and the admin tool live relative to it."""
    here, cwd = Path(__file__).resolve(), Path.cwd().resolve()
    for candidate in (*here.parents, cwd, *cwd.parents):
        if (candidate / "deploy" / "local" / "kafka" / "pom.xml").is_file():
            return candidate
    return cwd


class StackSettings(BaseSettings):
    """Where the local stack keeps its state and which loopback ports it uses."""

    model_config = SettingsConfigDict(env_prefix="KETTE_", extra="ignore")

    state_dir: Path = Field(
        default_factory=lambda: repo_root() / ".kette",
        description="Root of all state, logs and pid files of the local stack.",
    )
    kafka_libs_dir: Path = Field(
        default_factory=lambda: repo_root() / ".kette" / "kafka" / "libs",
        description="Kafka jars resolved by Maven; shared by every local broker.",
    )
    kafka_port: int = Field(default=9092, description="Kafka client listener port.")
    kafka_controller_port: int = Field(default=9093, description="KRaft controller port.")
    kafka_security: KafkaSecurity = Field(
        default="plaintext",
        description="plaintext, or scram for SASL/SCRAM-SHA-512 with StandardAuthorizer ACLs.",
    )
    kafka_heap: str = Field(default="512m", description="JVM heap for the local broker.")
    seed_providers: list[str] = Field(
        default_factory=lambda: ["vhs-unna", "awo-kreis-unna"],
        description="Provider ids whose topics (and principals) `up` creates.",
    )
    temporal_port: int = Field(default=7233, description="Temporal frontend gRPC port.")
    temporal_ui_port: int = Field(default=8233, description="Temporal Web UI port.")
    postgres_port: int = Field(default=5433, description="Test PostgreSQL port.")
    postgres_auto_install: bool = Field(
        default=True,
        description="When root and initdb is missing, install Debian's postgresql package.",
    )
    log_max_bytes: int = Field(
        default=10_000_000, ge=10_000, description="Size at which a part's log is rotated."
    )
    log_backups: int = Field(default=3, ge=0, description="Rotated logs kept per part.")
    start_timeout_seconds: float = Field(default=120.0, description="Wait limit per part.")

    @field_validator("state_dir", "kafka_libs_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()
