"""The outbox and inbox tables every service database carries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

OUTBOX_TABLE = "outbox"
INBOX_TABLE = "inbox"


class OutboxRecord(SQLModel, table=True):
    """An encoded event written with the business change, sent by the relay after commit."""

    __tablename__ = OUTBOX_TABLE
    __table_args__ = (
        UniqueConstraint("ce_id", name="uq_outbox_ce_id"),
        Index("ix_outbox_sent_at", "sent_at"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    ce_id: str = Field(max_length=200)
    ce_type: str = Field(max_length=200)
    topic: str = Field(max_length=249)
    key: str | None = Field(default=None, max_length=200)
    headers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    value: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    sent_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class InboxRecord(SQLModel, table=True):
    """One row per event a consumer has applied; the primary key makes a replay a no-op."""

    __tablename__ = INBOX_TABLE

    consumer: str = Field(primary_key=True, max_length=200)
    ce_id: str = Field(primary_key=True, max_length=200)
    ce_type: str = Field(max_length=200)
    handled_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
