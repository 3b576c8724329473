"""One refusal shape for the whole API: status, field, reason code, English message."""

from __future__ import annotations

from pydantic import BaseModel


class Problem(BaseModel):
    """What was wrong, where; no personal data ever goes in here."""

    field: str
    reason: str
    message: str


class Refused(Exception):
    """A request the gateway will not carry out; nothing was changed."""

    def __init__(self, status: int, field: str, reason: str, message: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.status = status
        self.problem = Problem(field=field, reason=reason, message=message)
