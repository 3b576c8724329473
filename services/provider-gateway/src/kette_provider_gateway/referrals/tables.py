"""Referrals as the gateway knows them, and the few participant facts a referral carries."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field

from kette_provider_gateway.table_base import GatewayTable

REFERRAL_TABLE = "referral"
PARTICIPANT_FACTS_TABLE = "participant_facts"


class ReferralRow(GatewayTable, table=True):
    """Which provider owns a referral and where it stands; reports are checked against it."""

    __tablename__ = REFERRAL_TABLE

    referral_id: str = Field(primary_key=True, max_length=200)
    provider_id: str = Field(index=True, max_length=63)
    participant_id: str = Field(index=True, max_length=200)
    offer_id: str = Field(max_length=200)
    stage: str = Field(max_length=20)
    module: str = Field(max_length=4)
    response_due: date
    state: str = Field(max_length=20)
    issued: bool = Field(default=False, description="The issued event is in the outbox.")
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ParticipantFactsRow(GatewayTable, table=True):
    """Pseudonymous facts a referral needs (level, childcare, sharing), as the chain told them."""

    __tablename__ = PARTICIPANT_FACTS_TABLE

    participant_id: str = Field(primary_key=True, max_length=200)
    language_level: str | None = Field(default=None, max_length=8)
    childcare_needed: bool = False
    sharing: bool = True
