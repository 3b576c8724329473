"""Registering a person on the screen: check eligibility first, then save once (the hidden
idempotency key makes a double submit one participant)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kette_intake.auth.principal import Principal
from kette_intake.errors import Refused
from kette_intake.participants.schemas import (
    CURRENT_CONSENT_TEXT,
    EligibilityAnswer,
    EligibilityCheck,
)
from kette_intake.web.errors import forbidden
from kette_intake.web.forms import FormState, values_of
from kette_intake.web.pages import page, redirect
from kette_intake.web.registration_form import (
    LABELS,
    explain,
    finding_de,
    normalised,
    parse_check,
    parse_registration,
    refusal_de,
)
from kette_intake.web.session import Form, SignedIn
from kette_intake.wiring import Intake, intake
from kette_workflows.domain.labels_de import date_de

router = APIRouter(include_in_schema=False)
Parts = Annotated[Intake, Depends(intake)]
NEW = "/teilnehmende/neu"
DEFAULTS = {
    "intent": "enrol",
    "profile.gender": "unspecified",
    "profile.vocational_qualification": "none",
    "profile.current_activity": "none",
}


@router.get(NEW)
async def registration_form(request: Request, principal: SignedIn) -> Response:
    """An empty form with a fresh idempotency key."""
    _require_registrar(principal)
    values = {**DEFAULTS, "idempotency_key": uuid.uuid4().hex}
    if len(kommunen_of(request, principal)) == 1:
        values["kommune"] = kommunen_of(request, principal)[0]
    return _form(request, principal, FormState(values, LABELS))


@router.post(NEW)
async def register(request: Request, principal: SignedIn, form: Form, parts: Parts) -> Response:
    """'pruefen' explains eligibility; 'speichern' enrols or records the approach."""
    _require_registrar(principal)
    state = FormState(normalised(values_of(form)), LABELS)
    state.values.setdefault("idempotency_key", uuid.uuid4().hex)
    check = parse_check(state)
    answer = parts.participants.check(principal, check) if check is not None else None
    if state.values.get("aktion") != "speichern":
        return _form(request, principal, state, check, answer)
    registration = parse_registration(state)
    if check is not None and answer is not None and state.values.get("intent") != "approach":
        for finding in answer.findings:
            state.refuse(finding.field, finding_de(finding.field, check))
    if registration is None or state.errors:
        return _form(request, principal, state, check, answer, status_code=422)
    try:
        saved, created = await parts.participants.register(
            principal, registration, state.values["idempotency_key"]
        )
    except Refused as refused:
        if refused.status_code == 403:
            raise forbidden("Personen aufnehmen") from None
        for problem in refused.problems:
            state.refuse(*refusal_de(problem, check))
        return _form(request, principal, state, check, answer, status_code=refused.status_code)
    parts.metrics.recorded(saved.status.value, created)
    return redirect(request, f"/teilnehmende/{saved.participant_id}/erfasst?status={saved.status}")


@router.get("/teilnehmende/{participant_id}/erfasst")
async def registered(
    request: Request, participant_id: str, principal: SignedIn, status: str = "enrolled"
) -> Response:
    """What was saved and what happens next (the chain starts from the event)."""
    _require_registrar(principal)
    enrolled = status != "approached"
    title = "Person aufgenommen" if enrolled else "Kontakt erfasst"
    return page(request, "registered.html", title=title, pid=participant_id, enrolled=enrolled)


def kommunen_of(request: Request, principal: Principal) -> tuple[str, ...]:
    """The Kommunen she may register people in."""
    ki: tuple[str, ...] = request.app.state.web_kommunen
    return principal.scope(ki)


def _require_registrar(principal: Principal) -> None:
    if not principal.sees_personal_data:
        raise forbidden("Personen aufnehmen")


def _form(
    request: Request,
    principal: Principal,
    state: FormState,
    check: EligibilityCheck | None = None,
    answer: EligibilityAnswer | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "registration.html",
        title="Person aufnehmen",
        active="neu",
        status_code=status_code,
        values=state.values,
        errors=state.errors,
        field_labels=LABELS,
        kommune_choices=[(kommune, kommune) for kommune in kommunen_of(request, principal)],
        consent_version=CURRENT_CONSENT_TEXT,
        today=date_de(datetime.now(UTC).date()),
        eligibility=explain(answer, check) if answer and check else None,
        eligible=answer.eligible if answer else None,
    )
