"""The gateway's settings: the shared KETTE_* ones plus its topics, port, limits and admin token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from kette_core.contracts import topics
from kette_core.settings import KetteSettings


class GatewaySettings(KetteSettings):
    """One process: provider API, chain consumer, reports consumer and relay."""

    service: str = "provider-gateway"
    http_host: str = Field(default="127.0.0.1", description="Address the API binds to.")
    http_port: int = Field(default=8120, ge=1, le=65535, description="Port of the API.")
    chain_topic: str = Field(default=topics.CHAIN, description="Where referrals are decided.")
    provider_status_topic: str = Field(
        default=topics.PROVIDER_STATUS, description="Where validated reports go."
    )
    deadletter_topic: str = Field(default=topics.DEADLETTER, description="Unreadable records.")
    group_id: str = Field(
        default="kette.provider-gateway.chain",
        description="Chain consumer group; ACLs want kette.provider-gateway*.",
    )
    reports_group_id: str = Field(
        default="kette.provider-gateway.reports",
        description="Prefix of the per-provider reports consumer groups.",
    )
    provider_poll_seconds: float = Field(
        default=10.0, gt=0, description="How often to look for providers the CLI registered."
    )
    migrate_on_start: bool = Field(default=True, description="Run Alembic to head at start.")
    admin_token: SecretStr | None = Field(
        default=None, description="Bearer token of the admin API; unset: the admin API refuses."
    )
    provision_command: str | None = Field(
        default=None,
        description="Command that creates a provider's topics, principal and ACLs, with "
        "{provider_id} in it (e.g. `kette-stack provider add {provider_id}`); unset: the "
        "gateway creates the two topics itself with its own Kafka login.",
    )
    credentials_command: str | None = Field(
        default=None,
        description="Command that rotates or revokes a provider's Kafka principal, with "
        "{action} (rotate, revoke) and {provider_id} in it (e.g. `kette-stack provider {action} "
        "{provider_id}`); unset: rotation is refused, revocation leaves the principal to the "
        "operators.",
    )
    reports_per_minute: int = Field(
        default=600, ge=1, description="REST reports one provider may send per minute."
    )
    webhook_retry_seconds: float = Field(
        default=5.0, gt=0, description="First webhook retry after this; doubling up to an hour."
    )
    webhook_max_attempts: int = Field(
        default=12, ge=1, description="Attempts before a webhook delivery counts as failed."
    )
    max_request_bytes: int = Field(
        default=16_384, ge=512, description="Largest request body the provider API reads."
    )
    intake_url: str = Field(
        default="http://127.0.0.1:8100", description="Intake, asked for contact details."
    )
    intake_token: SecretStr | None = Field(
        default=None,
        description="Service token intake knows as the gateway's (its KETTE_GATEWAY_TOKEN); "
        "unset: contact details answer 503.",
    )
    intake_timeout_seconds: float = Field(
        default=5.0, gt=0, description="How long a contact read may wait for intake."
    )
    intake_retry_after_seconds: int = Field(
        default=30, ge=1, description="Retry-After of a 503 while intake cannot be asked."
    )
