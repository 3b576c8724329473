"""Consents and the history of recorded changes: pseudonymous facts, no personal values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime
from sqlmodel import Field, SQLModel

CONSENTS_TABLE = "consents"
CHANGES_TABLE = "participant_changes"


class ConsentRow(SQLModel, table=True):
    """One signed consent: what it covers, when, which text; withdrawn once at most."""

    __tablename__ = CONSENTS_TABLE

    id: str = Field(primary_key=True, max_length=80)
    participant_id: str = Field(max_length=80, index=True)
    scope: str = Field(max_length=40)
    given_on: date = Field(sa_column=Column(Date, nullable=False))
    text_version: str = Field(max_length=64)
    recorded_by: str = Field(max_length=80)
    withdrawn_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    withdrawn_by: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ChangeRow(SQLModel, table=True):
    """A recorded change; personal fields appear by name only, their values stay sealed."""

    __tablename__ = CHANGES_TABLE

    id: str = Field(primary_key=True, max_length=80)
    participant_id: str = Field(max_length=80, index=True)
    kind: str = Field(max_length=30)
    fields: list[str] = Field(sa_column=Column(JSON, nullable=False))
    new_values: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    effective_on: date = Field(sa_column=Column(Date, nullable=False))
    recorded_by: str = Field(max_length=80)
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
