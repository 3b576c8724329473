"""Reporting's settings: the shared KETTE_* ones plus its topics, port and suppression."""

from __future__ import annotations

from pydantic import Field

from kette_core.contracts import topics
from kette_core.settings import KetteSettings
from kette_core.tokens import TokenSecret, token_key

DOMAIN_TOPICS: tuple[str, ...] = (
    topics.PARTICIPANTS,
    topics.CHAIN,
    topics.MATCHING,
    topics.PROVIDER_STATUS,
    topics.ACCESS,
    topics.DEADLETTER,
)
"""Every topic the projections read; reporting writes to none."""


class ReportingSettings(KetteSettings):
    """One process: API, dashboard and the projection consumer."""

    service: str = "reporting"
    http_host: str = Field(default="127.0.0.1", description="Address the API binds to.")
    http_port: int = Field(default=8130, ge=1, le=65535, description="Port of the API.")
    topics: tuple[str, ...] = Field(
        default=DOMAIN_TOPICS, description="Topics projected, in their contract roles' order."
    )
    group_id: str = Field(
        default="kette.reporting.projections",
        description="Consumer group (ACLs want kette.reporting*); offsets live in the database.",
    )
    batch_size: int = Field(default=2000, ge=1, description="Records read and written at once.")
    suppression_threshold: int = Field(
        default=5, ge=1, description="Counts from 1 to threshold-1 leave the KI only hidden."
    )
    migrate_on_start: bool = Field(default=True, description="Run Alembic to head at start.")
    consume: bool = Field(default=True, description="Run the projection consumer in-process.")
    token_secret: TokenSecret | None = Field(
        default=None,
        description="Base64 of intake's 32-byte token secret: verifies readers' tokens and "
        "signs the dashboard's cookie; unset, figures and dashboard refuse everyone.",
    )
    intake_url: str | None = Field(
        default=None, description="Intake's base URL: the dashboard's login asks it for a token."
    )
    cookie_secure: bool = Field(
        default=False, description="Send the dashboard's cookie over HTTPS only (production)."
    )

    def token_key(self) -> bytes | None:
        """The raw secret, or None when unset."""
        return None if self.token_secret is None else token_key(self.token_secret)
