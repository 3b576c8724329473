"""Registered providers and their API keys (only a hash of each key is kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field

from kette_provider_gateway.table_base import GatewayTable

PROVIDER_TABLE = "provider"
API_KEY_TABLE = "api_key"


class ProviderRow(GatewayTable, table=True):
    """A provider whose system may receive referrals and report; revoked ones may not."""

    __tablename__ = PROVIDER_TABLE

    provider_id: str = Field(primary_key=True, max_length=63)
    name: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class ApiKeyRow(GatewayTable, table=True):
    """One key: its public id, whose it is, and the SHA-256 of its secret part."""

    __tablename__ = API_KEY_TABLE

    key_id: str = Field(primary_key=True, max_length=32)
    provider_id: str = Field(foreign_key="provider.provider_id", index=True, max_length=63)
    secret_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
