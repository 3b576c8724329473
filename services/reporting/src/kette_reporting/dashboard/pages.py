"""The dashboard's Jinja environment: server-rendered German pages, autoescaped."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from kette_reporting.auth.session import CSRF_FIELD

_PAGES = Environment(
    loader=PackageLoader("kette_reporting.dashboard", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_PAGES.globals["csrf_field"] = CSRF_FIELD


def render(template: str, **values: Any) -> str:
    """One page as text."""
    return _PAGES.get_template(template).render(**values)
