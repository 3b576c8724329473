"""The catalogue refuses impossible offers with field and reason; the seed obeys the same rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from matching_builders import REGION, TODAY

from kette_core.contracts.vocabulary import Module
from kette_matching.catalogue.models import Provider
from kette_matching.catalogue.region import Region
from kette_matching.catalogue.rules import OfferDraft, Refused, check_offer
from kette_matching.catalogue.seed import seed_catalogue

pytestmark = pytest.mark.unit

PROVIDERS = {
    "vhs-unna": Provider(provider_id="vhs-unna", name="VHS Unna", kind="vhs", modules=("F3", "F4"))
}


def draft(**overrides: Any) -> OfferDraft:
    fields: dict[str, Any] = {
        "offer_id": "vhs-unna.neu",
        "provider_id": "vhs-unna",
        "module": "F4",
        "stage": "language",
        "title": "Deutsch A1 bis A2",
        "kommune": "Unna",
        "starts_on": date(2026, 4, 1),
        "ends_on": date(2026, 9, 30),
        "capacity": 16,
    }
    fields.update(overrides)
    return OfferDraft.model_validate(fields)


def refusal(**overrides: Any) -> set[tuple[str, str]]:
    with pytest.raises(Refused) as refused:
        check_offer(draft(**overrides), REGION, PROVIDERS)
    return {(p.field, p.reason) for p in refused.value.problems}


def test_a_sound_offer_is_accepted_as_it_was_entered() -> None:
    offer = check_offer(draft(), REGION, PROVIDERS)

    assert (offer.module, offer.kommune, offer.capacity) == (Module.F4, "Unna", 16)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"capacity": -1}, ("capacity", "negative")),
        ({"ends_on": date(2026, 3, 31)}, ("ends_on", "before_start")),
        ({"module": "F7"}, ("module", "unknown_module")),
        ({"kommune": "Dortmund"}, ("kommune", "unknown_kommune")),
        ({"provider_id": "vhs-nowhere"}, ("provider_id", "unknown_provider")),
        ({"module": "F1"}, ("module", "provider_lacks_module")),
        ({"module": "F3"}, ("stage", "module_not_for_stage")),
        ({"starts_on": None, "ends_on": None}, ("starts_on", "missing")),
        ({"language_level_required": "B3"}, ("language_level_required", "enum")),
    ],
)
def test_an_impossible_offer_is_refused_with_field_and_reason(
    overrides: dict[str, Any], problem: tuple[str, str]
) -> None:
    assert problem in refusal(**overrides)


def test_every_problem_of_an_offer_is_named_at_once() -> None:
    problems = refusal(capacity=-3, kommune="Dortmund", module="F9")

    assert problems == {
        ("capacity", "negative"),
        ("kommune", "unknown_kommune"),
        ("module", "unknown_module"),
    }


def test_capacity_cannot_drop_below_the_places_already_taken() -> None:
    with pytest.raises(Refused) as refused:
        check_offer(draft(capacity=2), REGION, PROVIDERS, places_taken=3)

    assert [(p.field, p.reason) for p in refused.value.problems] == [
        ("capacity", "below_places_taken")
    ]


def test_the_seed_has_the_ten_towns_of_kreis_unna_and_an_offer_for_every_module() -> None:
    catalogue = seed_catalogue(TODAY)

    assert len(catalogue.region.kommunen) == 10
    assert {o.module for o in catalogue.offers} == set(Module)
    assert all(o.kommune is None or REGION.knows(o.kommune) for o in catalogue.offers)


def test_the_seed_starts_its_courses_relative_to_the_day_it_is_loaded() -> None:
    early, late = seed_catalogue(date(2026, 1, 1)), seed_catalogue(date(2026, 6, 1))
    by_id = {o.offer_id: o for o in late.offers}
    shift = date(2026, 6, 1) - date(2026, 1, 1)

    scheduled = [o for o in early.offers if o.starts_on is not None]
    assert scheduled
    for offer in scheduled:
        assert offer.starts_on is not None
        assert by_id[offer.offer_id].starts_on == offer.starts_on + shift


def test_distances_are_symmetric_and_zero_within_a_town() -> None:
    assert REGION.distance_km("Kamen", "Unna") == REGION.distance_km("Unna", "Kamen") == 8
    assert REGION.distance_km("Selm", "Selm") == 0
    assert REGION.distance_km("Selm", None) == 0
    assert REGION.distance_km("Dortmund", "Unna") is None


@pytest.mark.parametrize(
    ("road_km", "message"),
    [
        ((("A", "B", 3),), "distances missing: A–C, B–C"),
        ((("A", "B", 3), ("B", "A", 3), ("A", "C", 1), ("B", "C", 2)), "given twice"),
        ((("A", "B", 0), ("A", "C", 1), ("B", "C", 2)), "must be positive"),
        ((("A", "X", 1), ("A", "B", 1), ("A", "C", 1), ("B", "C", 2)), "unknown or same"),
    ],
)
def test_a_region_with_a_missing_or_wrong_distance_is_refused_at_load(
    road_km: tuple[tuple[str, str, int], ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Region(name="Test", kommunen=("A", "B", "C"), road_km=road_km)
