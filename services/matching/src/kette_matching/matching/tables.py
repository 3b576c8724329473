"""Each answer matching gave, with the German explanations the event has no room for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

ANSWER_TABLE = "match_answer"


class AnswerRow(SQLModel, table=True):
    """One per request: what was proposed or which gap was found, and why, in German."""

    __tablename__ = ANSWER_TABLE

    request_id: str = Field(primary_key=True, max_length=128)
    participant_id: str = Field(max_length=80, index=True)
    event_id: str = Field(max_length=200)
    ce_type: str = Field(max_length=200)
    answered_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    explained: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
