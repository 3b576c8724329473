"""Offers and needs for the matching tests, valid by default, changed by keyword."""

from __future__ import annotations

from datetime import date
from typing import Any

from kette_matching.catalogue.models import Offer
from kette_matching.catalogue.seed import kreis_unna_region
from kette_matching.matching.need import Need

TODAY = date(2026, 3, 2)
REGION = kreis_unna_region()


def offer(**overrides: Any) -> Offer:
    """A B1 language course in Unna starting in 12 days, 10 places free."""
    fields: dict[str, Any] = {
        "offer_id": "vhs-unna.test",
        "provider_id": "vhs-unna",
        "module": "F4",
        "stage": "language",
        "title": "Deutsch A2 bis B1",
        "kommune": "Unna",
        "starts_on": date(2026, 3, 14),
        "ends_on": date(2026, 9, 30),
        "capacity": 10,
        "language_level_required": "A2",
        "language_level_reached": "B1",
    }
    fields.update(overrides)
    return Offer.model_validate(fields)


def need(**overrides: Any) -> Need:
    """Someone in Kamen with A2 who needs B1, no childcare, no employment ban."""
    fields: dict[str, Any] = {
        "stage": "language",
        "module": "F4",
        "kommune": "Kamen",
        "current_language_level": "A2",
        "target_language_level": "B1",
    }
    fields.update(overrides)
    return Need.model_validate(fields)
