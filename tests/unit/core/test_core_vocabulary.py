"""The CEFR order that the chain and matching compare German levels by."""

from __future__ import annotations

import pytest

from kette_core.contracts.vocabulary import LANGUAGE_ORDER, LanguageLevel, language_rank

pytestmark = pytest.mark.unit


def test_the_order_names_every_level_once() -> None:
    assert set(LANGUAGE_ORDER) == set(LanguageLevel)
    assert len(LANGUAGE_ORDER) == len(LanguageLevel)


def test_levels_rank_from_none_up_to_c1() -> None:
    assert language_rank(LanguageLevel.NONE) == 0
    assert language_rank(LanguageLevel.C1) == len(LanguageLevel) - 1


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        (LanguageLevel.NONE, LanguageLevel.A1),
        (LanguageLevel.A2, LanguageLevel.B1),
        (LanguageLevel.B1, LanguageLevel.B2),
        (LanguageLevel.B2, LanguageLevel.C1),
    ],
)
def test_a_higher_level_ranks_above_a_lower_one(
    lower: LanguageLevel, higher: LanguageLevel
) -> None:
    assert language_rank(lower) < language_rank(higher)
