"""Requests waiting for a round, and the places rounds reserved until the caseworker decides."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

OPEN_REQUEST_TABLE = "open_request"
RESERVATION_TABLE = "place_reservation"


class OpenRequestRow(SQLModel, table=True):
    """A request received, not yet answered; the next round takes it."""

    __tablename__ = OPEN_REQUEST_TABLE

    request_id: str = Field(primary_key=True, max_length=128)
    participant_id: str = Field(max_length=80)
    requested_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False),
        description="The request's ce_time: the day it is matched on, and its place in the queue.",
    )
    received_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    request: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class ReservationRow(SQLModel, table=True):
    """The place a round allocated to a request; one per request, so never a second one."""

    __tablename__ = RESERVATION_TABLE

    request_id: str = Field(primary_key=True, max_length=128)
    participant_id: str = Field(max_length=80)
    offer_id: str = Field(max_length=128, index=True)
    reserved_on: date
    expires_on: date = Field(index=True)
    state: str = Field(max_length=20, description="reserved, then settled by the confirmation.")
