"""HTTP edge of participant changes: parse, call ChangeService once, answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from kette_core.contracts.participants import ConsentScope
from kette_intake.auth.dependencies import CurrentPrincipal
from kette_intake.errors import with_retry
from kette_intake.participants.change_schemas import (
    ChangeView,
    ConsentGrant,
    ConsentView,
    ConsentWithdrawal,
    PersonalChanges,
    ProfileChanges,
    ResidenceStatusChange,
)
from kette_intake.participants.http import REFUSALS, Record
from kette_intake.wiring import Intake, intake

router = APIRouter(prefix="/api/participants", tags=["participant changes"])
Parts = Annotated[Intake, Depends(intake)]

_CHANGED = with_retry(ChangeView, REFUSALS)
_CONSENTED = with_retry(ConsentView, REFUSALS)


@router.post("/{participant_id}/residence-status", status_code=201, responses=_CHANGED)
async def change_residence_status(
    participant_id: str, change: ResidenceStatusChange, record: Record
) -> ChangeView:
    """Record a new residence status; the chain hands over, closes or re-plans."""
    changes = record.parts.changes
    return await record.answer(
        changes.change_residence_status(record.principal, participant_id, change, record.key)
    )


@router.patch("/{participant_id}/profile", status_code=201, responses=_CHANGED)
async def update_profile(
    participant_id: str, changes: ProfileChanges, record: Record
) -> ChangeView:
    """Record new pseudonymous facts (language level, certificates, goal, constraints…)."""
    service = record.parts.changes
    return await record.answer(
        service.update_profile(record.principal, participant_id, changes, record.key)
    )


@router.patch("/{participant_id}/personal", status_code=201, responses=_CHANGED)
async def correct_personal_data(
    participant_id: str, changes: PersonalChanges, record: Record
) -> ChangeView:
    """Correct name, contact, address, nationality or languages (sealed again)."""
    service = record.parts.changes
    return await record.answer(
        service.correct_personal_data(record.principal, participant_id, changes, record.key)
    )


@router.get("/{participant_id}/consents", responses=REFUSALS)
async def list_consents(
    participant_id: str, principal: CurrentPrincipal, parts: Parts
) -> list[ConsentView]:
    """Consents given and withdrawn, oldest first."""
    return await parts.changes.consents(principal, participant_id)


@router.post("/{participant_id}/consents", status_code=201, responses=_CONSENTED)
async def give_consent(participant_id: str, grant: ConsentGrant, record: Record) -> ConsentView:
    """Record a signed consent; sharing with providers may start or resume."""
    changes = record.parts.changes
    return await record.answer(
        changes.give_consent(record.principal, participant_id, grant, record.key)
    )


@router.post("/{participant_id}/consents/{scope}/withdrawal", status_code=201, responses=_CONSENTED)
async def withdraw_consent(
    participant_id: str, scope: ConsentScope, withdrawal: ConsentWithdrawal, record: Record
) -> ConsentView:
    """Record the withdrawal; the chain stops sharing with providers at once."""
    changes = record.parts.changes
    return await record.answer(
        changes.withdraw_consent(record.principal, participant_id, scope, withdrawal, record.key)
    )
