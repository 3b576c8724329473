"""One row per referral that touched a place, so every release finds its hold exactly once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

PLACE_HOLD_TABLE = "place_hold"


class PlaceHoldRow(SQLModel, table=True):
    """The referral's claim on a place of one offer."""

    __tablename__ = PLACE_HOLD_TABLE

    referral_id: str = Field(primary_key=True, max_length=128)
    offer_id: str | None = Field(default=None, max_length=128, index=True)
    participant_id: str = Field(max_length=80)
    state: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=40, description="What released it.")
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


ENROLMENT_TABLE = "enrolment"


class EnrolmentRow(SQLModel, table=True):
    """A referral's status as its provider reported it; counted per offer through its hold."""

    __tablename__ = ENROLMENT_TABLE

    referral_id: str = Field(primary_key=True, max_length=128)
    participant_id: str = Field(max_length=80)
    state: str = Field(max_length=20, index=True)
    occurred_on: date
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
