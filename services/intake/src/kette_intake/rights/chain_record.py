"""The chain's side of an Art. 15 answer: pseudonymous, but about this person all the same."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field
from temporalio.service import RPCError

from kette_intake.cases.chains import ChainSource
from kette_intake.cases.problems import CaseRefused
from kette_workflows.api import ChainNotFound

NO_CHAIN = "Keine laufende Kette: nie aufgenommen, oder abgeschlossen und archiviert."
UNREACHABLE = (
    "Die Kette war nicht erreichbar; ihr Verlauf steht vollständig und pseudonym im "
    "Ereignisprotokoll und wird auf Nachfrage nachgereicht."
)
_ENVELOPE = frozenset({"kind", "sequence", "occurred_at", "participant_id"})


class ChainRecord(BaseModel):
    """The chain's status and recent timeline, or why they are missing."""

    status: str | None = Field(default=None, description="Chain status, if the chain answered.")
    timeline: list[dict[str, Any]] = Field(
        default_factory=list, description="Recent timeline entries (kind, time, details)."
    )
    note: str | None = Field(default=None, description="Why the chain part is missing, German.")


async def chain_record(
    chains: ChainSource | None, participant_id: str, seconds: float = 5.0
) -> ChainRecord:
    """Ask the chain; a missing or unreachable chain is a note, never a failed answer."""
    if chains is None:
        return ChainRecord(note=UNREACHABLE)
    try:
        async with asyncio.timeout(seconds):
            client = await chains()
            state = await client.state(participant_id)
            timeline = await client.timeline(participant_id)
    except ChainNotFound:
        return ChainRecord(note=NO_CHAIN)
    except (CaseRefused, RPCError, TimeoutError):
        return ChainRecord(note=UNREACHABLE)
    return ChainRecord(
        status=state.status,
        timeline=[_entry(event.model_dump(mode="json")) for event in timeline],
    )


def _entry(event: dict[str, Any]) -> dict[str, Any]:
    """Kind and time first, then what the entry says."""
    details = {name: value for name, value in event.items() if name not in _ENVELOPE}
    return {"kind": event["kind"], "occurred_at": event["occurred_at"], "details": details}
