"""German reason texts are `$name` templates in the programme data, filled from known values."""

from __future__ import annotations

from collections.abc import Mapping
from string import Template

TEMPLATE_NAMES: frozenset[str] = frozenset(
    {
        "stage",
        "goal",
        "modules",
        "language_level",
        "language_floor",
        "language_target",
        "school_certificate",
        "vocational_qualification",
        "current_activity",
        "residence_status",
        "eligibility_ends_on",
        "estimated_start",
        "estimated_end",
        "job_follow_up_months",
    }
)


def unknown_names(template: str) -> set[str]:
    """Placeholders a template uses that no planner fills: a data error caught at load time."""
    return set(Template(template).get_identifiers()) - TEMPLATE_NAMES


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill a template; `$`-templates cannot reach attributes, unlike str.format."""
    return Template(template).substitute(values)


def render_partial(template: str, values: Mapping[str, str]) -> str:
    """Fill what is known and leave the rest; for hint texts shown as they are."""
    return Template(template).safe_substitute(values)
