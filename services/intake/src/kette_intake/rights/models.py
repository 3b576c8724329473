"""What remains of an erased person: pseudonymous facts, so counts stay true."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime
from sqlmodel import Field, SQLModel

ERASURES_TABLE = "erasures"


class ErasureRow(SQLModel, table=True):
    """One erased participant: no key, no ciphertext, no blind index, only the facts."""

    __tablename__ = ERASURES_TABLE

    participant_id: str = Field(primary_key=True, max_length=80)
    ki_id: str = Field(max_length=64)
    kommune: str = Field(max_length=120, index=True)
    programme_id: str = Field(max_length=64)
    status: str = Field(max_length=20)
    registered_on: date = Field(sa_column=Column(Date, nullable=False))
    erased_on: date = Field(sa_column=Column(Date, nullable=False))
    ground: str = Field(max_length=40)
    erased_by: str = Field(max_length=80)
    erased_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
