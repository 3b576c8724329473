"""Decisions as the API takes them: each decision's fields without `caseworker_id`, which comes
from the login; pydantic's complaints become field, English reason and German text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from kette_intake.cases.problems import CaseProblem, CaseRefused
from kette_intake.dates import ISO_DAY
from kette_workflows.api import DECISION_TYPES, Decision

DECIDED_BY = "caseworker_id"

_GERMAN = {
    "missing": "Angabe fehlt.",
    "extra_forbidden": "Dieses Feld ist hier nicht vorgesehen.",
    "enum": "Bitte einen der angebotenen Werte wählen.",
    "literal_error": "Bitte einen der angebotenen Werte wählen.",
    "bool_parsing": "Bitte ja oder nein angeben.",
    "int_parsing": "Bitte eine ganze Zahl angeben.",
    "date_from_datetime_parsing": "Bitte ein Datum angeben (TT.MM.JJJJ).",
    "date_parsing": "Bitte ein Datum angeben (TT.MM.JJJJ).",
    "date_type": "Bitte ein Datum angeben (TT.MM.JJJJ).",
    "greater_than_equal": "Der Wert ist zu klein.",
    "less_than_equal": "Der Wert ist zu groß.",
    "string_pattern_mismatch": "Das Format stimmt nicht.",
    "string_too_long": "Der Text ist zu lang.",
    "string_too_short": "Angabe fehlt.",
}


def _body_model(kind: type[Decision]) -> type[BaseModel]:
    """The decision's fields minus the caseworker, for the OpenAPI document."""
    fields: dict[str, Any] = {
        name: (_iso_days(info.annotation), info)
        for name, info in kind.model_fields.items()
        if name != DECIDED_BY
    }
    model: type[BaseModel] = create_model(
        f"{kind.__name__}Request",
        __config__=ConfigDict(extra="forbid", title=f"{kind.__name__}Request"),
        __doc__=kind.__doc__,
        **fields,
    )
    return model


def _iso_days(annotation: Any) -> Any:
    """A day is taken as YYYY-MM-DD only (not a number of seconds), like every request's day."""
    return Annotated[annotation, ISO_DAY] if _holds_date(annotation) else annotation


def _holds_date(annotation: Any) -> bool:
    return annotation is date or any(_holds_date(arg) for arg in get_args(annotation))


RECORDED_AS_CHANGES = {"change_goal": "goal", "update_profile": "profile"}
"""Chain decisions intake takes as profile changes instead (ChangeService.update_profile,
`PATCH /api/participants/{id}/profile`): stored here, published, and applied to the chain by
the bridge, so intake's profile and the chain's never drift apart."""
DECISIONS: dict[str, type[Decision]] = {
    name: kind for name, kind in DECISION_TYPES.items() if name not in RECORDED_AS_CHANGES
}
"""The decisions intake sends to the chain as Updates."""
DECISION_BODIES: dict[str, type[BaseModel]] = {
    name: _body_model(kind) for name, kind in DECISIONS.items()
}
"""Every decision's request body by its name (the last part of its path)."""


def parse(name: str, fields: Mapping[str, Any], caseworker_id: str) -> Decision:
    """The typed decision, or CaseRefused naming each bad field (404 for an unknown name)."""
    if name in RECORDED_AS_CHANGES:
        raise CaseRefused.one(
            404,
            "name",
            f"{name} is recorded as a profile change: PATCH /api/participants/{{id}}/profile",
            "Dies wird als Änderung zur Person erfasst.",
        )
    kind = DECISIONS.get(name)
    if kind is None:
        known = ", ".join(sorted(DECISIONS))
        raise CaseRefused.one(
            404,
            "name",
            f"no decision {name!r} (one of: {known})",
            "Diese Entscheidung gibt es nicht.",
        )
    if DECIDED_BY in fields:
        raise CaseRefused.one(
            422,
            DECIDED_BY,
            "is taken from your login, not from the request",
            "Wer entscheidet, ergibt sich aus der Anmeldung.",
        )
    try:
        return kind.model_validate({**fields, DECIDED_BY: caseworker_id})
    except ValidationError as invalid:
        raise CaseRefused(422, problems_of(invalid)) from None


def problems_of(invalid: ValidationError) -> list[CaseProblem]:
    """One problem per complaint; the input is never echoed (it may be personal data)."""
    return [
        CaseProblem(
            field=".".join(str(part) for part in error["loc"]) or "body",
            reason=error["msg"],
            message_de=_GERMAN.get(error["type"], "Der Wert ist ungültig."),
        )
        for error in invalid.errors(include_input=False, include_url=False)
    ]
