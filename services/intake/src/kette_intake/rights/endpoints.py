"""HTTP edge of data-subject rights: parse, call RightsService once, answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.responses import HTMLResponse

from kette_intake.auth.dependencies import CurrentPrincipal
from kette_intake.errors import with_retry
from kette_intake.participants.http import REFUSALS, Record
from kette_intake.rights import printable
from kette_intake.rights.schemas import DataExport, ErasureReceipt, ErasureRequest
from kette_intake.wiring import Intake, intake

router = APIRouter(prefix="/api/participants", tags=["data-subject rights"])
Parts = Annotated[Intake, Depends(intake)]

_JSON_REFUSALS: dict[int | str, dict[str, object]] = {
    code: {
        "description": "Refused; the body names the field and the reason.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    for code in (400, 401, 403, 404, 409, 422)
}
"""The printable page's refusals are JSON still (a model would be declared as text/html)."""


@router.get("/{participant_id}/data-export", responses=REFUSALS)
async def data_export(participant_id: str, principal: CurrentPrincipal, parts: Parts) -> DataExport:
    """Everything held on the person as JSON (Art. 15 DSGVO); the read is an access event."""
    return await parts.rights.export(principal, participant_id)


@router.get(
    "/{participant_id}/data-export.html",
    response_class=HTMLResponse,
    responses={**_JSON_REFUSALS, 200: {"content": {"text/html": {}}}},
)
async def printable_data_export(
    participant_id: str, principal: CurrentPrincipal, parts: Parts
) -> HTMLResponse:
    """The same as a printable German page."""
    export = await parts.rights.export(principal, participant_id)
    return HTMLResponse(printable.render(export), headers={"Cache-Control": "no-store"})


@router.post(
    "/{participant_id}/erasure",
    status_code=status.HTTP_201_CREATED,
    responses=with_retry(ErasureReceipt, REFUSALS),
)
async def erase(participant_id: str, request: ErasureRequest, record: Record) -> ErasureReceipt:
    """Erase the person (Art. 17 DSGVO): their data key is destroyed and their chain closes;
    afterwards every endpoint answers 404 for them."""
    rights = record.parts.rights
    return await record.answer(rights.erase(record.principal, participant_id, request, record.key))
