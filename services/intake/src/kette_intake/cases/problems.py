"""Why a case request was refused: field, English reason and the German text for the screens."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

TEMPORAL_DOWN = (
    "the chain service (Temporal) is not reachable; nothing was changed. Retry with the same "
    "Idempotency-Key once it is back: a decision that did reach the chain is not taken twice"
)
TEMPORAL_DOWN_DE = (
    "Die Kette ist gerade nicht erreichbar; es wurde nichts geändert. Bitte in einer Minute "
    "erneut versuchen: eine Entscheidung, die schon angekommen ist, zählt nur einmal."
)


class CaseProblem(BaseModel):
    """One thing wrong with a case request."""

    field: str = Field(description="The field it concerns, e.g. 'offer_id'.")
    reason: str = Field(description="Why, in English.")
    message_de: str = Field(description="The same for the caseworker's screen, in German.")


class CaseErrorBody(BaseModel):
    """The body of a refused case request."""

    errors: list[CaseProblem]


@dataclass
class CaseRefused(Exception):
    """A case request was refused before anything changed."""

    status_code: int
    problems: list[CaseProblem]

    @classmethod
    def one(cls, status_code: int, field: str, reason: str, message_de: str) -> CaseRefused:
        """The usual case: one field, one reason."""
        return cls(status_code, [CaseProblem(field=field, reason=reason, message_de=message_de)])

    def __str__(self) -> str:
        return "; ".join(f"{p.field}: {p.reason}" for p in self.problems)


def not_found(participant_id: str) -> CaseRefused:
    """Absent and outside the caller's Kommunen look the same."""
    return CaseRefused.one(
        404,
        "participant_id",
        f"no case {participant_id} in your Kommunen",
        "Diesen Fall gibt es in Ihren Kommunen nicht.",
    )


def chain_unavailable() -> CaseRefused:
    """Temporal is down or too slow: say what happens next, never a stack trace."""
    return CaseRefused.one(503, "temporal", TEMPORAL_DOWN, TEMPORAL_DOWN_DE)
