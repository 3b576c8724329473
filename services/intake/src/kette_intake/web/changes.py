"""Changes recorded on the case page: a new goal or profile facts, corrected personal data, a
new residence status, consent withdrawn or given. Each calls ChangeService once, as the API
does; the chain hears of it through the event stored with it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from kette_core.contracts.participants import ConsentScope
from kette_intake.auth.principal import Principal
from kette_intake.cases.decisions import problems_of
from kette_intake.errors import Problem, Refused
from kette_intake.participants.change_schemas import (
    ConsentGrant,
    ConsentWithdrawal,
    PersonalChanges,
    ProfileChanges,
    ResidenceStatusChange,
)
from kette_intake.web.case import show_case
from kette_intake.web.decision_form import REQUEST_ID, fields_of, model_in, values_of_decision
from kette_intake.web.errors import WebProblem, forbidden, not_found
from kette_intake.web.pages import redirect
from kette_intake.web.session import Form, SignedIn
from kette_intake.wiring import Intake, intake

router = APIRouter(include_in_schema=False)
Parts = Annotated[Intake, Depends(intake)]
Record = Callable[[Intake, Principal, str, Any, str | None], Awaitable[object]]

GOAL = "change_goal"
PROFILE = "update_profile"
RESIDENCE = "residence_status"
WITHDRAW = "consent_withdrawn"
GIVE = "consent_given"
PERSONAL = "personal_data"
HIDDEN = frozenset({"scope", "text_version"})
"""Fields the forms fill in themselves (one scope; the text version shown)."""
_FUTURE = "Das Datum liegt in der Zukunft."
_GERMAN = {
    (RESIDENCE, "expires_on"): "Das Ablaufdatum liegt vor dem Tag der Änderung.",
    (RESIDENCE, "new_status"): "Dieser Status mit diesem Ablaufdatum ist bereits erfasst.",
    (GIVE, "scope"): "Die Einwilligung ist bereits erteilt.",
    (WITHDRAW, "scope"): "Es liegt keine gültige Einwilligung vor.",
    (WITHDRAW, "withdrawn_on"): "Das Datum liegt vor der Einwilligung.",
    (PERSONAL, "personal"): "Die Angaben ändern nichts.",
    (GOAL, "goal"): "Dieses Ziel ist bereits vereinbart.",
    (PROFILE, "profile"): "Die Angaben ändern nichts.",
}
_ALREADY = "Diese Angabe ist bereits so erfasst."


async def _residence(parts: Intake, who: Principal, pid: str, body: Any, key: str | None) -> object:
    return await parts.changes.change_residence_status(who, pid, body, key)


async def _withdraw(parts: Intake, who: Principal, pid: str, body: Any, key: str | None) -> object:
    scope = ConsentScope.SHARE_WITH_PROVIDERS
    return await parts.changes.withdraw_consent(who, pid, scope, body, key)


async def _give(parts: Intake, who: Principal, pid: str, body: Any, key: str | None) -> object:
    return await parts.changes.give_consent(who, pid, body, key)


async def _profile(parts: Intake, who: Principal, pid: str, body: Any, key: str | None) -> object:
    return await parts.changes.update_profile(who, pid, body, key)


async def _personal(parts: Intake, who: Principal, pid: str, body: Any, key: str | None) -> object:
    return await parts.changes.correct_personal_data(who, pid, body, key)


KINDS: dict[str, tuple[type[BaseModel], Record]] = {
    GOAL: (ProfileChanges, _profile),
    PROFILE: (ProfileChanges, _profile),
    PERSONAL: (PersonalChanges, _personal),
    RESIDENCE: (ResidenceStatusChange, _residence),
    WITHDRAW: (ConsentWithdrawal, _withdraw),
    GIVE: (ConsentGrant, _give),
}


@router.post("/faelle/{participant_id}/aenderungen/{kind}")
async def record_change(
    request: Request, participant_id: str, kind: str, principal: SignedIn, form: Form, parts: Parts
) -> Response:
    """Record the change; a refusal shows the case again with the German reason at its field."""
    if kind not in KINDS:
        raise not_found()
    if not principal.sees_personal_data:
        raise forbidden("Änderungen erfassen")
    model, record = KINDS[kind]
    fields = fields_of(kind, form)
    if isinstance(fields.get("languages_spoken"), str):
        spoken = fields["languages_spoken"].split(",")
        fields["languages_spoken"] = [name.strip() for name in spoken if name.strip()]
    request_id = form.get(REQUEST_ID)
    try:
        body = model.model_validate(fields)
        await record(parts, principal, participant_id, body, _key(request_id))
    except ValidationError as invalid:
        errors = {_at(kind, p.field): p.message_de for p in problems_of(invalid)}
        return await _again(request, parts, principal, participant_id, kind, form, errors)
    except Refused as refused:
        if refused.status_code in (403, 404):
            raise _page_problem(refused) from None
        errors = {_at(kind, p.field): _german(kind, p) for p in refused.problems}
        return await _again(request, parts, principal, participant_id, kind, form, errors)
    return redirect(request, f"/faelle/{participant_id}?geaendert={kind}")


def _at(kind: str, field: str) -> str:
    """The input a refusal names (a nested model at its first input), or the form as a whole
    when it has no such input."""
    field = field.removeprefix("personal.")  # the personal-data service names its model
    model = KINDS[kind][0]
    if field.split(".")[0] not in set(model.model_fields) - HIDDEN:
        return kind
    nested = model_in(model.model_fields[field].annotation) if field in model.model_fields else None
    return f"{kind}.{field}.{next(iter(nested.model_fields))}" if nested else f"{kind}.{field}"


def _key(request_id: object) -> str | None:
    """The form's request id as the service's idempotency key (8 characters at least)."""
    return request_id if isinstance(request_id, str) and len(request_id) >= 8 else None


def _german(kind: str, problem: Problem) -> str:
    """The German text of a refusal the change service gave in English."""
    if problem.field == "participant_id":
        return "Für diese Person läuft keine Kette (nur der Kontakt ist erfasst)."
    if "in the future" in problem.reason:
        return _FUTURE
    if (kind, problem.field) in _GERMAN:
        return _GERMAN[(kind, problem.field)]
    return _ALREADY if "already the recorded" in problem.reason else "Diese Angabe wurde abgelehnt."


def _page_problem(refused: Refused) -> WebProblem:
    if refused.status_code == 404:
        return not_found()
    return forbidden("Änderungen erfassen")


async def _again(
    request: Request,
    parts: Intake,
    principal: Principal,
    participant_id: str,
    kind: str,
    form: Any,
    errors: dict[str, str],
) -> Response:
    return await show_case(
        request,
        parts,
        principal,
        participant_id,
        status_code=422,
        errors=errors,
        values=values_of_decision(kind, form),
    )
