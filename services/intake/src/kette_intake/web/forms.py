"""Flat HTML forms and nested API bodies: names are dotted paths, errors keyed by name."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

FORM_ERROR = "formular"
"""Where a refusal that names no field of the form is shown (above the form)."""


@dataclass
class FormState:
    """What the form shows again: her input (as typed), and an error per field name."""

    values: dict[str, str]
    known: Collection[str]
    errors: dict[str, str] = field(default_factory=dict)

    def refuse(self, name: str, message: str) -> None:
        """Keep the first message per field; a name the form lacks goes above the form."""
        self.errors.setdefault(name if name in self.known else FORM_ERROR, message)


def values_of(form: Mapping[str, Any]) -> dict[str, str]:
    """The posted strings by name (files ignored)."""
    return {name: value.strip() for name, value in form.items() if isinstance(value, str)}


def put_path(body: dict[str, Any], path: str, value: object) -> None:
    """body['a']['b'] = value for path 'a.b', creating the levels between."""
    *parents, last = path.split(".")
    for part in parents:
        body = body.setdefault(part, {})
    body[last] = value
