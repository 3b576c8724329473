"""Accounts: a role and the Kommunen it covers; passwords only as argon2 hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

ACCOUNTS_TABLE = "accounts"


class AccountRow(SQLModel, table=True):
    """A person who logs in; `id` is the pseudonymous actor id events carry."""

    __tablename__ = ACCOUNTS_TABLE

    id: str = Field(primary_key=True, max_length=80)
    username: str = Field(max_length=120, unique=True)
    password_hash: str = Field(max_length=300)
    role: str = Field(max_length=20)
    kommunen: list[str] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
