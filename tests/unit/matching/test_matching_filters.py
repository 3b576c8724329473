"""Hard filters: each rule shuts out exactly the offers a person cannot join."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from matching_builders import REGION, TODAY, need, offer

from kette_matching.matching.filters import Filter, failed_filter, next_start
from kette_matching.matching.weights import MatchingRules

pytestmark = pytest.mark.unit

RULES = MatchingRules()


def failed(offer_fields: dict[str, Any], need_fields: dict[str, Any]) -> Filter | None:
    return failed_filter(offer(**offer_fields), need(**need_fields), REGION, RULES, TODAY)


def test_an_offer_that_fits_in_every_respect_passes() -> None:
    assert failed({}, {}) is None


@pytest.mark.parametrize(
    ("offer_fields", "need_fields", "expected"),
    [
        ({"module": "F3", "stage": "school"}, {}, Filter.MODULE),
        ({}, {"stage": "apprenticeship"}, Filter.MODULE),
        ({}, {"excluded_offer_ids": frozenset({"vhs-unna.test"})}, Filter.ALREADY_TRIED),
        ({"involves_employment": True}, {"employment_ban": True}, Filter.EMPLOYMENT_BAN),
        ({"age_bands": ("18-20",)}, {"age_band": "24-27"}, Filter.AGE_LIMIT),
        ({"women_only": True}, {"woman": False}, Filter.WOMEN_ONLY),
        ({"language_level_required": "B1"}, {"current_language_level": "A2"}, Filter.LANGUAGE),
        ({"starts_on": date(2026, 3, 1)}, {}, Filter.DATES),
        ({}, {"earliest_start": date(2026, 4, 1)}, Filter.DATES),
        ({"starts_on": TODAY + timedelta(days=181), "ends_on": None}, {}, Filter.DATES),
        ({"capacity": 4, "places_taken": 4}, {}, Filter.PLACES),
        ({"kommune": "Selm"}, {"kommune": "Fröndenberg/Ruhr"}, Filter.REACH),
        ({"time_model": "full_time"}, {"childcare_needed": True}, Filter.CHILDCARE),
    ],
    ids=lambda value: str(value) if isinstance(value, Filter) else "",
)
def test_an_offer_the_person_cannot_join_names_the_filter_it_failed(
    offer_fields: dict[str, Any], need_fields: dict[str, Any], expected: Filter
) -> None:
    assert failed(offer_fields, need_fields) == expected


@pytest.mark.parametrize(
    ("offer_fields", "need_fields"),
    [
        ({"involves_employment": True}, {}),
        ({}, {"employment_ban": True}),
        ({"age_bands": ("18-20",)}, {}),
        ({"women_only": True}, {"woman": None}),
        ({"language_level_required": "A2"}, {"current_language_level": "B2"}),
        ({"kommune": None}, {"kommune": "Selm"}),
        ({"time_model": "part_time"}, {"childcare_needed": True}),
        ({"childcare": True}, {"childcare_needed": True}),
        ({"capacity": 4, "places_taken": 3}, {}),
    ],
)
def test_a_limit_binds_only_where_it_applies(
    offer_fields: dict[str, Any], need_fields: dict[str, Any]
) -> None:
    assert failed(offer_fields, need_fields) is None


def test_rolling_entry_starts_on_the_earliest_useful_day() -> None:
    rolling = offer(rolling_entry=True, starts_on=None, ends_on=None)

    assert next_start(rolling, need(), TODAY) == TODAY
    assert next_start(rolling, need(earliest_start=date(2026, 4, 1)), TODAY) == date(2026, 4, 1)


def test_a_rolling_offer_that_has_ended_has_no_start() -> None:
    ended = offer(rolling_entry=True, starts_on=None, ends_on=TODAY - timedelta(days=1))

    assert next_start(ended, need(), TODAY) is None
