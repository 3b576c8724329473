"""What the endpoints reach through `request.app.state`: built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_intake.auth.throttle import LoginThrottle
from kette_intake.auth.tokens import TokenSigner
from kette_intake.cases.service import CaseService
from kette_intake.contacts.service import ContactService
from kette_intake.ops.metrics import Metrics
from kette_intake.participants.changes import ChangeService
from kette_intake.participants.service import ParticipantService
from kette_intake.rights.service import RightsService


@dataclass(frozen=True)
class Intake:
    """The running service's parts."""

    sessions: async_sessionmaker[AsyncSession]
    readers: async_sessionmaker[AsyncSession]
    """Sessions for work that only reads (SQLite: deferred, not queued behind writers)."""
    participants: ParticipantService
    cases: CaseService
    changes: ChangeService
    rights: RightsService
    contacts: ContactService
    signer: TokenSigner
    throttle: LoginThrottle
    metrics: Metrics


def intake(request: Request) -> Intake:
    """The parts of the app serving this request (a FastAPI dependency)."""
    parts: Intake = request.app.state.intake
    return parts
