"""The person's rights on the screen: the printable Art. 15 page and erasure (Art. 17), each
through RightsService once (reads are access events, erasure destroys the data key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kette_core.contracts.participants import ErasureGround
from kette_intake.errors import Refused
from kette_intake.rights import printable
from kette_intake.rights.schemas import ErasureRequest
from kette_intake.web.case import show_case
from kette_intake.web.decision_form import REQUEST_ID
from kette_intake.web.errors import WebProblem, forbidden, not_found
from kette_intake.web.pages import NO_STORE, redirect
from kette_intake.web.session import Form, SignedIn
from kette_intake.wiring import Intake, intake

router = APIRouter(include_in_schema=False)
Parts = Annotated[Intake, Depends(intake)]
ERASE = "erasure"
CONFIRM = f"{ERASE}.confirmed"
UNCONFIRMED = "Bitte bestätigen Sie die Löschung; sie kann nicht rückgängig gemacht werden."


@router.get("/faelle/{participant_id}/auskunft")
async def data_export(participant_id: str, principal: SignedIn, parts: Parts) -> Response:
    """Everything held on the person as a printable German page (Art. 15 DSGVO)."""
    try:
        export = await parts.rights.export(principal, participant_id)
    except Refused as refused:
        raise _problem(refused) from None
    return HTMLResponse(printable.render(export), headers=NO_STORE)


@router.post("/faelle/{participant_id}/loeschen")
async def erase(
    request: Request, participant_id: str, principal: SignedIn, form: Form, parts: Parts
) -> Response:
    """Erase the person once she confirmed; afterwards no page shows them."""
    if form.get(CONFIRM) != "ja":
        errors = {
            CONFIRM: "Bitte bestätigen Sie die Löschung; sie kann nicht rückgängig gemacht werden."
        }
        return await show_case(request, parts, principal, participant_id, 422, errors=errors)
    ground = form.get(f"{ERASE}.ground")
    if ground not in {g.value for g in ErasureGround}:
        errors = {f"{ERASE}.ground": "Bitte einen der angebotenen Werte wählen."}
        return await show_case(request, parts, principal, participant_id, 422, errors=errors)
    request_id = form.get(REQUEST_ID)
    try:
        await parts.rights.erase(
            principal,
            participant_id,
            ErasureRequest(ground=ErasureGround(str(ground))),
            request_id if isinstance(request_id, str) and len(request_id) >= 8 else None,
        )
    except Refused as refused:
        raise _problem(refused) from None
    return redirect(request, "/fallliste?geloescht=1")


def _problem(refused: Refused) -> WebProblem:
    if refused.status_code == 404:
        return not_found()
    if refused.status_code == 403:
        return forbidden("diese Daten nicht sehen oder löschen")
    return WebProblem(refused.status_code, "Nicht möglich", "Die Anfrage wurde abgelehnt.")
