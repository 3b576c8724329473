"""A decision's form: inputs named '<decision>.<field>' (unique ids on one page), read back
into the fields CaseService.decide takes; pydantic converts the strings."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel
from starlette.datastructures import FormData

from kette_intake.cases.decisions import DECISION_BODIES
from kette_intake.cases.problems import CaseProblem
from kette_intake.web.forms import put_path

LIST_FIELDS = frozenset({"order"})
"""Fields posted as several inputs of one name, in order."""
HIDDEN_ONLY = frozenset({"confirm_offer", "complete_task"})
"""Decisions whose form is one button with hidden inputs: refusals go above, not at a field."""
REQUEST_ID = "request_id"
"""Hidden per form: a double submit attaches to the first Update instead of deciding twice."""


def fields_of(name: str, form: FormData) -> dict[str, Any]:
    """The decision's fields from the posted form; empty inputs are left out."""
    prefix = f"{name}."
    body: dict[str, Any] = {}
    for key in dict.fromkeys(form.keys()):
        if not key.startswith(prefix):
            continue
        path = key.removeprefix(prefix)
        posted = [value.strip() for value in form.getlist(key) if isinstance(value, str)]
        posted = [value for value in posted if value]
        if posted:
            put_path(body, path, posted if path in LIST_FIELDS else posted[0])
    return body


def inputs_of(name: str) -> list[str]:
    """The visible inputs of a decision's form: its fields, nested models by their fields."""
    body = DECISION_BODIES.get(name)
    if body is None or name in HIDDEN_ONLY:
        return []
    paths: list[str] = []
    for field_name, info in body.model_fields.items():
        nested = model_in(info.annotation)
        if nested is None:
            paths.append(field_name)
        else:
            paths.extend(f"{field_name}.{sub}" for sub in nested.model_fields)
    return paths


def errors_of(name: str, problems: list[CaseProblem]) -> dict[str, str]:
    """German messages keyed by the input they name ('<decision>.<field>', a nested model at
    its first input); one naming no input is keyed by the decision alone. The template shows
    each next to its input and all of them above the decision's form."""
    inputs = inputs_of(name)
    errors: dict[str, str] = {}
    for problem in problems:
        path = ".".join(part for part in problem.field.split(".") if not part.isdigit())
        target = next((i for i in inputs if i == path or i.startswith(f"{path}.")), None)
        errors.setdefault(f"{name}.{target}" if target else name, problem.message_de)
    return errors


def model_in(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside `X` or `X | None`, if any."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def values_of_decision(name: str, form: FormData) -> dict[str, str]:
    """What she entered in this decision's form, shown again after a refusal."""
    prefix = f"{name}."
    return {
        key: value
        for key, value in form.items()
        if key.startswith(prefix) and isinstance(value, str)
    }
