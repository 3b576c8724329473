"""HTTP edge of participants: parse, call the service once, answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from kette_intake.auth.dependencies import CurrentPrincipal
from kette_intake.errors import with_retry
from kette_intake.participants.http import REFUSALS, Record
from kette_intake.participants.schemas import (
    EligibilityAnswer,
    EligibilityCheck,
    ParticipantView,
    Registration,
    RegistrationAnswer,
)
from kette_intake.wiring import Intake, intake

router = APIRouter(prefix="/api/participants", tags=["participants"])
Parts = Annotated[Intake, Depends(intake)]


@router.post("/eligibility", responses=REFUSALS)
async def check_eligibility(
    request: EligibilityCheck, principal: CurrentPrincipal, parts: Parts
) -> EligibilityAnswer:
    """Explain eligibility before saving anything."""
    return parts.participants.check(principal, request)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=with_retry(RegistrationAnswer, REFUSALS),
)
async def register(registration: Registration, record: Record) -> RegistrationAnswer:
    """Enrol a person (their chain starts from the event) or record an approach."""
    participants = record.parts.participants
    answer = await record.answer(participants.register(record.principal, registration, record.key))
    created = record.response.status_code == status.HTTP_201_CREATED
    record.parts.metrics.recorded(answer.status.value, created)
    return answer


@router.get("/{participant_id}", responses=REFUSALS)
async def read(participant_id: str, principal: CurrentPrincipal, parts: Parts) -> ParticipantView:
    """A participant with personal data; every call is published on kette.access.v1."""
    return await parts.participants.read(principal, participant_id)
