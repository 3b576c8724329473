"""Facts from kette.participants.v1, kept so a later request can apply age and women-only limits."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

PARTICIPANT_FACTS_TABLE = "participant_facts"


class ParticipantFactsRow(SQLModel, table=True):
    """Age band and gender category of one pseudonymous participant; nothing identifying."""

    __tablename__ = PARTICIPANT_FACTS_TABLE

    participant_id: str = Field(primary_key=True, max_length=80)
    age_band: str = Field(max_length=30)
    gender: str = Field(max_length=20)
