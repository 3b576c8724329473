"""The caseload: her running cases, what needs attention first, filtered by stage, Kommune,
status and task (auditors see the same list without names)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.cases.decisions import problems_of
from kette_intake.cases.problems import CaseRefused
from kette_intake.cases.views import CaseFilter
from kette_intake.web.errors import problem_of
from kette_intake.web.pages import page
from kette_intake.web.session import SignedIn
from kette_intake.wiring import Intake, intake

router = APIRouter(include_in_schema=False)
Parts = Annotated[Intake, Depends(intake)]
ERASED = (
    "Die personenbezogenen Daten wurden gelöscht (Art. 17 DSGVO); die Kette wird geschlossen. "
    "Pseudonyme Zahlen bleiben für die Statistik erhalten."
)
FILTERS = {"kommune": "Kommune", "stage": "Stufe", "status": "Status", "task": "Aufgabe"}


@router.get("/fallliste")
async def caseload(request: Request, principal: SignedIn, parts: Parts) -> Response:
    """Running cases in attention order: overdue provider answers, open tasks, oldest task."""
    values = {name: request.query_params.get(name, "").strip() for name in FILTERS}
    context: dict[str, Any] = {
        "values": values,
        "kommune_choices": [(k, k) for k in _kommunen(request, principal)],
        "field_labels": FILTERS,
    }
    try:
        filters = CaseFilter.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as invalid:
        errors = {problem.field: problem.message_de for problem in problems_of(invalid)}
        return _page(request, status_code=422, errors=errors, rows=[], **context)
    try:
        load = await parts.cases.caseload(principal, filters)
    except CaseRefused as refused:
        if refused.status_code == 422:
            errors = {p.field: p.message_de for p in refused.problems}
            return _page(request, status_code=422, errors=errors, rows=[], **context)
        raise problem_of(refused) from None
    notice = ERASED if request.query_params.get("geloescht") else None
    return _page(
        request,
        errors={},
        rows=load.rows,
        pseudonymous=load.pseudonymous,
        notice=notice,
        **context,
    )


def _kommunen(request: Request, principal: SignedIn) -> tuple[str, ...]:
    """Filter choices: her Kommunen (auditors: the KI, pseudonymously)."""
    ki: tuple[str, ...] = request.app.state.web_kommunen
    return ki if principal.role is ActorRole.AUDITOR else principal.scope(ki)


def _page(request: Request, status_code: int = 200, **context: Any) -> Response:
    return page(
        request,
        "caseload.html",
        title="Fallliste",
        active="fallliste",
        status_code=status_code,
        **context,
    )
