"""HTTP edge of participants: parse, call the service once, answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response, status

from kette_intake.auth.dependencies import CurrentPrincipal
from kette_intake.errors import ErrorBody, with_retry
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
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="Client-chosen key: a retried submit with it creates one participant.",
    ),
]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}


@router.post("/eligibility", responses=_ERRORS)
async def check_eligibility(
    request: EligibilityCheck, principal: CurrentPrincipal, parts: Parts
) -> EligibilityAnswer:
    """Explain eligibility before saving anything."""
    return parts.participants.check(principal, request)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=with_retry(RegistrationAnswer, _ERRORS),
)
async def register(
    registration: Registration,
    principal: CurrentPrincipal,
    parts: Parts,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> RegistrationAnswer:
    """Enrol a person (their chain starts from the event) or record an approach."""
    answer, created = await parts.participants.register(principal, registration, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    parts.metrics.recorded(answer.status.value, created)
    return answer


@router.get("/{participant_id}", responses=_ERRORS)
async def read(participant_id: str, principal: CurrentPrincipal, parts: Parts) -> ParticipantView:
    """A participant with personal data; every call is published on kette.access.v1."""
    return await parts.participants.read(principal, participant_id)
