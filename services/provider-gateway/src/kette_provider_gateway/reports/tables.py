"""Every accepted provider report, keyed by the provider's own report id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlmodel import Field

from kette_provider_gateway.table_base import GatewayTable

REPORT_TABLE = "report"


class ReportRow(GatewayTable, table=True):
    """An accepted report; its event_id is the provider-status event's stable ce_id."""

    __tablename__ = REPORT_TABLE
    __table_args__ = (UniqueConstraint("provider_id", "provider_report_id", name="uq_report_id"),)

    event_id: str = Field(primary_key=True, max_length=64)
    provider_id: str = Field(max_length=63)
    provider_report_id: str = Field(max_length=200)
    referral_id: str = Field(index=True, max_length=200)
    kind: str = Field(max_length=40)
    channel: str = Field(max_length=10)
    content_hash: str = Field(max_length=64)
    received_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
