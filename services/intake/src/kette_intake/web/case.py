"""One case: plan with German reasons, open tasks, proposed offers, timeline, and one form
per decision; each form is one Temporal Update through CaseService, a refusal changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kette_core.contracts.vocabulary import Stage
from kette_intake.auth.principal import Principal
from kette_intake.cases.problems import CaseRefused
from kette_intake.cases.views import CaseView
from kette_intake.participants.schemas import CURRENT_CONSENT_TEXT
from kette_intake.web.decision_form import REQUEST_ID, errors_of, fields_of, values_of_decision
from kette_intake.web.errors import problem_of
from kette_intake.web.labels import CHANGE_DE, DECISION_DE
from kette_intake.web.pages import page, redirect
from kette_intake.web.session import Form, SignedIn
from kette_intake.wiring import Intake, intake
from kette_workflows.api import StagePhase

router = APIRouter(include_in_schema=False)
Parts = Annotated[Intake, Depends(intake)]
OPEN_PHASES = frozenset({StagePhase.PENDING})
CHANGE_DAYS = {
    "residence_status": "changed_on",
    "consent_withdrawn": "withdrawn_on",
    "consent_given": "given_on",
}


@router.get("/faelle/{participant_id}")
async def case(
    request: Request,
    participant_id: str,
    principal: SignedIn,
    parts: Parts,
    entschieden: str = "",
    geaendert: str = "",
) -> Response:
    """The case as the chain sees it now."""
    saved = {**DECISION_DE, **CHANGE_DE}.get(entschieden or geaendert)
    notice = f"Gespeichert: {saved}." if saved else None
    return await show_case(request, parts, principal, participant_id, notice=notice)


@router.post("/faelle/{participant_id}/{name}")
async def decide(
    request: Request, participant_id: str, name: str, principal: SignedIn, form: Form, parts: Parts
) -> Response:
    """One decision; on refusal the case is shown again with the German reason at its field."""
    request_id = form.get(REQUEST_ID)
    try:
        await parts.cases.decide(
            principal,
            participant_id,
            name,
            fields_of(name, form),
            request_id=request_id if isinstance(request_id, str) and request_id else None,
        )
    except CaseRefused as refused:
        if refused.status_code not in (409, 422):
            raise problem_of(refused) from None
        return await show_case(
            request,
            parts,
            principal,
            participant_id,
            status_code=refused.status_code,
            errors=errors_of(name, refused.problems),
            values=values_of_decision(name, form),
            refused=name,
        )
    return redirect(request, f"/faelle/{participant_id}?entschieden={name}")


async def show_case(
    request: Request,
    parts: Intake,
    principal: Principal,
    participant_id: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """The case page, with the errors and input of a refused form if any."""
    try:
        view = await parts.cases.case(principal, participant_id)
    except CaseRefused as refused:
        raise problem_of(refused) from None
    return _page(request, view, status_code, **context)


def _page(request: Request, view: CaseView, status_code: int, **context: Any) -> Response:
    pending = [stage for stage, phase in view.plan.phases.items() if phase in OPEN_PHASES]
    title = view.name or f"Fall {view.participant_id}"
    return page(
        request,
        "case.html",
        title=title,
        status_code=status_code,
        case=view,
        pending=[stage for stage in view.plan.phases if stage in pending],
        stages=list(Stage),
        request_id=uuid.uuid4().hex,
        consent_version=CURRENT_CONSENT_TEXT,
        changes=CHANGE_DE,
        errors=context.pop("errors", {}),
        values={**_change_days(), **context.pop("values", {})},
        **context,
    )


def _change_days() -> dict[str, str]:
    """A change is usually recorded the day it happens: today, unless she enters another."""
    today = datetime.now(UTC).date().isoformat()
    return {f"{name}.{day}": today for name, day in CHANGE_DAYS.items()}
