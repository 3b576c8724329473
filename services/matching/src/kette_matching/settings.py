"""Matching's settings: the shared KETTE_* ones plus its topics, HTTP port and score weights."""

from __future__ import annotations

from pydantic import AwareDatetime, Field
from pydantic_settings import SettingsConfigDict

from kette_core.contracts import topics
from kette_core.settings import KetteSettings
from kette_core.tokens import TokenSecret, token_key
from kette_matching.allocation.policy import AllocationRules
from kette_matching.matching.weights import MatchingRules


class MatchingSettings(KetteSettings):
    """One process: API, consumer and relay; nested rules as KETTE_RULES__TRAVEL_WEIGHT=…"""

    model_config = SettingsConfigDict(
        env_prefix="KETTE_", extra="ignore", env_nested_delimiter="__"
    )

    service: str = "matching"
    http_host: str = Field(default="127.0.0.1", description="Address the API binds to.")
    http_port: int = Field(default=8020, ge=1, le=65535, description="Port of the API.")
    chain_topic: str = Field(default=topics.CHAIN, description="Where referral requests arrive.")
    participants_topic: str = Field(
        default=topics.PARTICIPANTS, description="Registrations: age band and gender category."
    )
    provider_status_topic: str | None = Field(
        default=topics.PROVIDER_STATUS,
        description="Providers' enrolled, dropped-out and completed reports; empty: not read.",
    )
    matching_topic: str = Field(default=topics.MATCHING, description="Where answers go.")
    deadletter_topic: str = Field(default=topics.DEADLETTER, description="Unreadable requests.")
    group_id: str = Field(
        default="kette.matching.requests", description="Consumer group; ACLs want kette.matching*."
    )
    answer_requests_since: AwareDatetime | None = Field(
        default=None,
        description="Requests made earlier are recorded, not answered (a dev stack whose "
        "older requests a stand-in answered); unset in production: every request counts.",
    )
    migrate_on_start: bool = Field(default=True, description="Run Alembic to head at start.")
    seed_catalogue: bool = Field(
        default=False, description="Load the Kreis Unna seed catalogue at start (demo, tests)."
    )
    token_secret: TokenSecret | None = Field(
        default=None,
        description="Base64 of intake's 32-byte token secret: verifies coordinators' tokens; "
        "unset, the catalogue accepts no change.",
    )
    rules: MatchingRules = Field(default_factory=lambda: MatchingRules())
    allocation: AllocationRules = Field(
        default_factory=lambda: AllocationRules(),
        description="When rounds run and how they allocate (KETTE_ALLOCATION__WINDOW_SECONDS=…).",
    )

    def token_key(self) -> bytes | None:
        """The raw secret, or None when unset."""
        return None if self.token_secret is None else token_key(self.token_secret)
