"""Who the client acts for: one provider from flags, or several from a JSON file (a course
software run for several providers keeps each one's credentials apart)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError


class Identity(BaseModel):
    """One provider's credentials; each door needs only its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    api_key: SecretStr | None = Field(default=None, description="For REST reports and contact.")
    kafka_username: str | None = Field(default=None, description="SCRAM user, provider.<id>.")
    kafka_password: SecretStr | None = Field(default=None, description="Its SCRAM password.")
    webhook_secret: SecretStr | None = Field(default=None, description="whsec_… from the admin.")

    @property
    def referrals_topic(self) -> str:
        return f"provider.{self.provider_id}.referrals.v1"

    @property
    def consumer_group(self) -> str:
        """Groups must start with provider.<id>. (the broker's ACL)."""
        return f"provider.{self.provider_id}.kette-provider"


class IdentityError(Exception):
    """The identities file or flags do not say who to act for; names field and reason."""


_MANY = TypeAdapter(list[Identity])


def load_identities(path: Path) -> list[Identity]:
    """A JSON list of identities; refused with the entry and field that is wrong."""
    try:
        found = _MANY.validate_json(path.read_bytes())
    except OSError as error:
        raise IdentityError(f"{path}: {error.strerror}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise IdentityError(f"{path}: {where}: {first['msg']}") from None
    if not found:
        raise IdentityError(f"{path}: lists no provider")
    if len({identity.provider_id for identity in found}) != len(found):
        raise IdentityError(f"{path}: a provider_id is listed twice")
    return found


def write_identities(path: Path, identities: list[Identity]) -> None:
    """Readable by the owner only: it holds secrets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    documents = [_revealed(identity) for identity in identities]
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps(documents, indent=2))


def _revealed(identity: Identity) -> dict[str, str | None]:
    """The secrets in clear, for the file only."""

    def clear(secret: SecretStr | None) -> str | None:
        return secret.get_secret_value() if secret is not None else None

    return {
        "provider_id": identity.provider_id,
        "api_key": clear(identity.api_key),
        "kafka_username": identity.kafka_username,
        "kafka_password": clear(identity.kafka_password),
        "webhook_secret": clear(identity.webhook_secret),
    }
