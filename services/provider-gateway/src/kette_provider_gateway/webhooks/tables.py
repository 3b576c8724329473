"""A provider's webhook endpoint, and one delivery row per event and provider (the log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Integer, Text, UniqueConstraint
from sqlmodel import Field

from kette_provider_gateway.table_base import GatewayTable

WEBHOOK_TABLE = "webhook"
DELIVERY_TABLE = "webhook_delivery"


class WebhookRow(GatewayTable, table=True):
    """Where a provider receives its events, and the secret they are signed with."""

    __tablename__ = WEBHOOK_TABLE

    provider_id: str = Field(primary_key=True, max_length=63)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class DeliveryRow(GatewayTable, table=True):
    """One event for one provider: pending, delivered or failed, with attempts and timing."""

    __tablename__ = DELIVERY_TABLE
    __table_args__ = (UniqueConstraint("provider_id", "event_id", name="uq_delivery_event"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    provider_id: str = Field(index=True, max_length=63)
    event_id: str = Field(max_length=64)
    event_type: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    status: str = Field(max_length=12)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=200)
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
