"""Settings of the caseworkers' screens (KETTE_WEB_*): session lifetime and cookie flags."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """The session cookie is signed with a key derived from KETTE_TOKEN_SECRET, not a new one."""

    model_config = SettingsConfigDict(env_prefix="KETTE_WEB_", extra="ignore")

    idle_minutes: int = Field(
        default=30, ge=1, le=12 * 60, description="A session unused this long sends her to login."
    )
    max_hours: int = Field(
        default=12, ge=1, le=24, description="A session ends this long after login in any case."
    )
    cookie_secure: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (on in production)."
    )
