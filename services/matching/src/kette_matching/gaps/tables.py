"""One row per unmet request, written with the no_offer_found answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

GAP_TABLE = "gap"


class GapRow(SQLModel, table=True):
    """What was needed where, and which filters ruled every offer out."""

    __tablename__ = GAP_TABLE

    request_id: str = Field(primary_key=True, max_length=128)
    requested_on: date = Field(index=True)
    kommune: str = Field(max_length=80)
    module: str = Field(max_length=4)
    stage: str = Field(max_length=20)
    target_language_level: str | None = Field(default=None, max_length=8)
    gap_reasons: list[Any] = Field(sa_column=Column(JSON, nullable=False))
