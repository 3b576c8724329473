"""A decision's form: inputs named '<decision>.<field>' (unique ids on one page), read back
into the fields CaseService.decide takes; pydantic converts the strings."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from kette_intake.cases.problems import CaseProblem
from kette_intake.web.forms import put_path

LIST_FIELDS = frozenset({"order"})
"""Fields posted as several inputs of one name, in order."""
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


def errors_of(name: str, problems: list[CaseProblem]) -> dict[str, str]:
    """German messages keyed by the input they name ('<decision>.<field>'); the template shows
    each next to its input and all of them above the decision's form."""
    errors: dict[str, str] = {}
    for problem in problems:
        path = ".".join(part for part in problem.field.split(".") if not part.isdigit())
        errors.setdefault(f"{name}.{path}" if path else name, problem.message_de)
    return errors


def values_of_decision(name: str, form: FormData) -> dict[str, str]:
    """What she entered in this decision's form, shown again after a refusal."""
    prefix = f"{name}."
    return {
        key: value
        for key, value in form.items()
        if key.startswith(prefix) and isinstance(value, str)
    }
