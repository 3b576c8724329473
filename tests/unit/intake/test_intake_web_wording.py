"""German plurals on the screens: exactly one takes the singular, every other count the plural."""

from __future__ import annotations

import pytest

from kette_intake.web.pages import TEMPLATES
from kette_intake.web.wording import counted


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 Fälle"), (1, "1 Fall"), (2, "2 Fälle"), (11, "11 Fälle")]
)
def test_a_count_of_cases_reads_as_german_says_it(count: int, expected: str) -> None:
    assert counted(count, "Fall", "Fälle") == expected


def test_the_templates_count_with_the_same_helper() -> None:
    caption = TEMPLATES.env.from_string("{{ rows|length|counted('Fall', 'Fälle') }}")

    assert caption.render(rows=["p-1"]) == "1 Fall"
    assert caption.render(rows=[]) == "0 Fälle"
