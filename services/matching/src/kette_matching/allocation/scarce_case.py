"""An oversubscribed Kreis Unna autumn: the case the docs, tests and benchmark compare on.

The seed's seven F4 language courses with 17 places left, and 20 people asking in one round
from all ten towns (a fixed draw: levels A1/A2/B1 as 3:5:2, three in ten with a child to
care for, half of them women). Only part-time courses or the AWO course with its Kita fit
those with a child; first come, first served lets earlier requests take those places.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from kette_matching.catalogue.models import Offer
from kette_matching.catalogue.region import Region
from kette_matching.catalogue.seed import kreis_unna_region, seed_catalogue
from kette_matching.matching.need import Need

FREE_PLACES = {
    "vhs-unna.jik": 3,
    "vhs-luenen.jik": 2,
    "vhs-kamen-boenen.deutsch-b1": 3,
    "vhs-schwerte.jik": 2,
    "vhs-bergkamen.deutsch-b2": 2,
    "vhs-werne.jik": 2,
    "awo-unna.sprachkurs-kita": 3,
}
TARGET = {"A1": "B1", "A2": "B1", "B1": "B2"}


@dataclass(frozen=True)
class Case:
    """Needs in the order they arrived, the offers with their free places, the region."""

    needs: list[Need]
    offers: list[Offer]
    region: Region


def kreis_unna_case(today: date, requests: int = 20, draw: int = 3) -> Case:
    """The case as of `today` (the seed's starts are relative to it, so the case never ages)."""
    region = kreis_unna_region()
    offers = [
        offer.model_copy(update={"places_taken": offer.capacity - FREE_PLACES[offer.offer_id]})
        for offer in seed_catalogue(today).offers
        if offer.offer_id in FREE_PLACES
    ]
    rng = random.Random(draw)
    needs = []
    for _ in range(requests):
        level = rng.choices(["A1", "A2", "B1"], [3, 5, 2])[0]
        needs.append(
            Need.model_validate(
                {
                    "stage": "language",
                    "module": "F4",
                    "kommune": rng.choice(region.kommunen),
                    "current_language_level": level,
                    "target_language_level": TARGET[level],
                    "childcare_needed": rng.random() < 0.3,
                    "woman": rng.random() < 0.5,
                    "earliest_start": today,
                }
            )
        )
    return Case(needs, offers, region)
