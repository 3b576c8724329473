"""The catalogue's tables; rows hold plain columns, `repository` turns them into models."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

PROVIDER_TABLE = "provider"
OFFER_TABLE = "offer"


class ProviderRow(SQLModel, table=True):
    """A provider as stored."""

    __tablename__ = PROVIDER_TABLE

    provider_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    modules: list[Any] = Field(sa_column=Column(JSON, nullable=False))
    kommune: str | None = Field(default=None, max_length=80)
    contact: str | None = Field(default=None, max_length=300)


class OfferRow(SQLModel, table=True):
    """An offer as stored; `places_taken` changes with referrals (a later slice)."""

    __tablename__ = OFFER_TABLE

    offer_id: str = Field(primary_key=True, max_length=128)
    provider_id: str = Field(foreign_key=f"{PROVIDER_TABLE}.provider_id", max_length=64)
    module: str = Field(max_length=4, index=True)
    stage: str = Field(max_length=20)
    title: str = Field(max_length=200)
    kommune: str | None = Field(default=None, max_length=80)
    address: str | None = Field(default=None, max_length=300)
    starts_on: date | None = None
    ends_on: date | None = None
    rolling_entry: bool = False
    time_model: str = Field(max_length=20)
    schedule: str | None = Field(default=None, max_length=200)
    capacity: int
    places_taken: int = 0
    language_level_required: str = Field(max_length=8)
    language_level_reached: str | None = Field(default=None, max_length=8)
    entry_requirements: str | None = Field(default=None, max_length=500)
    childcare: bool = False
    public_transport: bool = True
    cost_per_teaching_hour_eur: float | None = None
    involves_employment: bool = False
    women_only: bool = False
    age_bands: list[Any] = Field(sa_column=Column(JSON, nullable=False))
