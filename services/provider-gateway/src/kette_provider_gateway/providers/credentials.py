"""A provider's Kafka login (SCRAM principal): rotated or revoked by the operators' tooling."""

from __future__ import annotations

from typing import Protocol

import structlog

from kette_provider_gateway.providers.provisioning import (
    ProvisioningFailed,
    checked_template,
    run_tooling,
)

log = structlog.get_logger(__name__)

ROTATE, REVOKE = "rotate", "revoke"


class KafkaCredentials(Protocol):
    """Changes a provider's principal on the broker; both steps are safe to repeat."""

    async def rotate(self, provider_id: str) -> None: ...

    async def revoke(self, provider_id: str) -> None: ...


def principal_of(provider_id: str) -> str:
    """The provider's SCRAM user name, as the tooling creates it."""
    return f"provider.{provider_id}"


class CredentialCommands:
    """Runs the tooling, e.g. `kette-stack provider {action} {provider_id}`; the new password
    stays with the tooling, which hands it to the provider (the gateway never holds it)."""

    def __init__(self, template: str) -> None:
        if "{action}" not in template:
            raise ValueError("the credentials command must contain {action}")
        self._template = checked_template(template)

    async def rotate(self, provider_id: str) -> None:
        """A new password; the old one is refused at the next login."""
        await run_tooling(self._for(ROTATE), provider_id, "gateway.principal_rotated")

    async def revoke(self, provider_id: str) -> None:
        """Principal and ACLs deleted: no login, no read, no write."""
        await run_tooling(self._for(REVOKE), provider_id, "gateway.principal_revoked")

    def _for(self, action: str) -> str:
        """The template with the action filled in, {provider_id} left for run_tooling."""
        return self._template.replace("{action}", action)


class NoCredentialTooling:
    """Without a configured command the gateway cannot touch Kafka logins: rotation is refused,
    revocation of keys and referrals goes ahead and says the principal was left to operators."""

    async def rotate(self, provider_id: str) -> None:
        """Nothing to run it with."""
        raise ProvisioningFailed(
            "no credentials command is configured (KETTE_CREDENTIALS_COMMAND); rotate the "
            f"principal {principal_of(provider_id)} with the cluster's tooling"
        )

    async def revoke(self, provider_id: str) -> None:
        """Logged, so operators know to delete the principal themselves."""
        log.warning(
            "gateway.principal_not_revoked",
            provider_id=provider_id,
            principal=principal_of(provider_id),
            why="no credentials command configured",
        )


def credentials_for(command: str | None) -> KafkaCredentials:
    """The configured tooling, or the stand-in that refuses rotation."""
    return CredentialCommands(command) if command else NoCredentialTooling()
