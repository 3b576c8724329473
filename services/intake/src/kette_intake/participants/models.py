"""The participants table: pseudonymous facts in columns, personal data only as ciphertext."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, LargeBinary
from sqlmodel import Field, SQLModel

PARTICIPANTS_TABLE = "participants"
IDEMPOTENCY_TABLE = "idempotency_keys"


class ParticipantRow(SQLModel, table=True):
    """One person; erasing them later means deleting `wrapped_key` (crypto-shredding)."""

    __tablename__ = PARTICIPANTS_TABLE

    id: str = Field(primary_key=True, max_length=80)
    ki_id: str = Field(max_length=64)
    kommune: str = Field(max_length=120, index=True)
    programme_id: str = Field(max_length=64)
    status: str = Field(max_length=20)
    registered_on: date = Field(sa_column=Column(Date, nullable=False))
    profile: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    blind_index: str = Field(max_length=64, index=True)
    kek_id: str = Field(max_length=40)
    wrapped_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    personal_data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_by: str = Field(max_length=80)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class IdempotencyRow(SQLModel, table=True):
    """A submitted registration by its caller's key, so a retry finds the first answer."""

    __tablename__ = IDEMPOTENCY_TABLE

    key: str = Field(primary_key=True, max_length=300, description="actor id + client key")
    request_hash: str = Field(max_length=64)
    participant_id: str = Field(max_length=80)
    answer: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
