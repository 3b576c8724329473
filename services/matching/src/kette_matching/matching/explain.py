"""The German sentence a caseworker reads beside each proposal ("B1 erreicht, Start in 12 Tagen,
8 km von Kamen"); the event carries only codes, matching's API carries this text."""

from __future__ import annotations

from datetime import date

from kette_core.contracts.vocabulary import LanguageLevel, language_rank
from kette_matching.catalogue.models import Offer
from kette_matching.matching.need import Need


def explain_de(offer: Offer, need: Need, km: int, start: date, today: date) -> str:
    """Level, start, way, childcare and places, in that order, comma separated."""
    parts = [
        _level(offer, need),
        _start(offer, start, today),
        _way(offer, need, km),
        "mit Kinderbetreuung" if offer.childcare else None,
        _places(offer.free_places),
    ]
    return ", ".join(part for part in parts if part)


def _level(offer: Offer, need: Need) -> str | None:
    """What the person's German already meets, and where the offer leads."""
    said = []
    if offer.language_level_required != LanguageLevel.NONE:
        said.append(f"{need.current_language_level.value} erreicht")
    reached = offer.language_level_reached
    if reached is not None and language_rank(reached) > language_rank(need.current_language_level):
        said.append(f"führt zu {reached.value}")
    return ", ".join(said) or None


def _start(offer: Offer, start: date, today: date) -> str:
    """Days until the start, or that joining is possible any day."""
    days = (start - today).days
    if offer.rolling_entry and days == 0:
        return "Einstieg jederzeit"
    if days == 0:
        return "Start heute"
    if days == 1:
        return "Start morgen"
    return f"Start in {days} Tagen"


def _way(offer: Offer, need: Need, km: int) -> str:
    """Where it runs, seen from the person's Kommune."""
    if offer.kommune is None:
        return "aufsuchend im ganzen Kreis"
    if offer.kommune == need.kommune:
        return f"in {need.kommune}"
    return f"{km} km von {need.kommune}"


def _places(free: int) -> str:
    """Free places, singular or plural."""
    return "1 Platz frei" if free == 1 else f"{free} Plätze frei"
