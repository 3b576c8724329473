"""Settings of the intake service (KETTE_* environment variables)."""

from __future__ import annotations

import base64
import binascii

from pydantic import Field, SecretStr, field_validator

from kette_core.contracts import topics
from kette_core.settings import KetteSettings

KEY_BYTES = 32
KREIS_UNNA = (
    "Bergkamen", "Bönen", "Fröndenberg/Ruhr", "Holzwickede", "Kamen",
    "Lünen", "Schwerte", "Selm", "Unna", "Werne",
)  # fmt: skip


class KiSettings(KetteSettings):
    """Which KI this intake serves and where its database is: enough to manage accounts."""

    service: str = "intake"
    ki_id: str = Field(default="ki-kreis-unna", description="The KI this instance serves.")
    ki_kommunen: list[str] = Field(
        default_factory=lambda: list(KREIS_UNNA),
        description="Kommunen of the KI; registrations elsewhere are refused.",
    )
    programme_id: str = Field(default="durchstarten", description="Programme people enrol in.")


class IntakeSettings(KiSettings):
    """Where intake listens, and the keys that guard personal data."""

    http_host: str = Field(default="127.0.0.1", description="Address the HTTP API binds to.")
    http_port: int = Field(default=8100, description="Port of the HTTP API.")
    key_encryption_key: SecretStr = Field(
        description="Base64 of 32 random bytes; wraps each participant's data key (AES-GCM)."
    )
    key_encryption_key_id: str = Field(
        default="kek-1", description="Stored with each wrapped key, so the KEK can be rotated."
    )
    blind_index_key: SecretStr = Field(
        description="Base64 of 32 random bytes; keys the HMAC behind the duplicate warning."
    )
    token_secret: SecretStr = Field(
        description="Base64 of 32 random bytes; signs the bearer tokens (HS256)."
    )
    token_minutes: int = Field(default=60, ge=1, le=24 * 60, description="Bearer token lifetime.")
    temporal_address: str = Field(default="127.0.0.1:7233", description="Temporal frontend.")
    participants_topic: str = Field(default=topics.PARTICIPANTS, description="Registrations.")
    access_topic: str = Field(default=topics.ACCESS, description="Reads of personal data.")
    migrate_on_start: bool = Field(
        default=True, description="Upgrade the database to the newest migration at start."
    )
    matching_url: str | None = Field(
        default="http://127.0.0.1:8110",
        description="Matching's HTTP API: the case view shows its German reason for each "
        "proposed offer. Empty: offers are shown without it.",
    )
    gateway_token: SecretStr | None = Field(
        default=None,
        description="Service token of the provider gateway (claim check); unset: nobody may "
        "fetch contact details.",
    )

    @field_validator("key_encryption_key", "blind_index_key", "token_secret")
    @classmethod
    def _thirty_two_bytes(cls, value: SecretStr) -> SecretStr:
        """A short or mistyped key would weaken every participant's protection silently."""
        decode_key(value)
        return value


def decode_key(value: SecretStr) -> bytes:
    """The raw key bytes; refuses anything but base64 of exactly 32 bytes."""
    try:
        raw = base64.b64decode(value.get_secret_value(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be base64 (e.g. `openssl rand -base64 32`)") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(f"must decode to {KEY_BYTES} bytes, not {len(raw)}")
    return raw
