"""Hard filters: an offer a person cannot join is never proposed, and says which rule failed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum

from kette_core.contracts.matching import GapReason
from kette_core.contracts.vocabulary import language_rank
from kette_matching.catalogue.models import Offer, TimeModel
from kette_matching.catalogue.region import Region
from kette_matching.matching.need import Need
from kette_matching.matching.weights import MatchingRules


class Filter(StrEnum):
    """The hard filters, in the order they are applied."""

    MODULE = "module"
    ALREADY_TRIED = "already_tried"
    EMPLOYMENT_BAN = "employment_ban"
    AGE_LIMIT = "age_limit"
    WOMEN_ONLY = "women_only"
    LANGUAGE = "language"
    DATES = "dates"
    PLACES = "places"
    REACH = "reach"
    CHILDCARE = "childcare"


GAP_OF_FILTER: dict[Filter, GapReason] = {
    Filter.MODULE: GapReason.NO_OFFER_FOR_MODULE,
    Filter.ALREADY_TRIED: GapReason.NO_OFFER_FOR_MODULE,
    Filter.EMPLOYMENT_BAN: GapReason.EMPLOYMENT_BAN,
    Filter.AGE_LIMIT: GapReason.NO_OFFER_FOR_MODULE,
    Filter.WOMEN_ONLY: GapReason.NO_OFFER_FOR_MODULE,
    Filter.LANGUAGE: GapReason.LANGUAGE_LEVEL_MISMATCH,
    Filter.DATES: GapReason.NO_START_IN_TIME,
    Filter.PLACES: GapReason.NO_FREE_PLACES,
    Filter.REACH: GapReason.NO_OFFER_IN_KOMMUNE,
    Filter.CHILDCARE: GapReason.NO_CHILDCARE,
}
"""The contract's gap vocabulary for each filter; age and women-only limits count as no offer."""

FILTER_DE: dict[Filter, str] = {
    Filter.MODULE: "anderer Förderbaustein oder andere Stufe",
    Filter.ALREADY_TRIED: "schon versucht",
    Filter.EMPLOYMENT_BAN: "nicht bei Beschäftigungsverbot",
    Filter.AGE_LIMIT: "Altersgrenze des Angebots",
    Filter.WOMEN_ONLY: "nur für Frauen",
    Filter.LANGUAGE: "Sprachniveau reicht noch nicht",
    Filter.DATES: "kein Einstieg im Zeitraum",
    Filter.PLACES: "keine freien Plätze",
    Filter.REACH: "zu weit entfernt",
    Filter.CHILDCARE: "Vollzeit ohne Kinderbetreuung",
}
"""How a caseworker reads each filter."""


def next_start(offer: Offer, need: Need, today: date) -> date | None:
    """First day the person could join, or None if no start falls between now and the end."""
    earliest = max(today, need.earliest_start or today)
    if offer.rolling_entry:
        start = max(earliest, offer.starts_on or earliest)
    elif offer.starts_on is None or offer.starts_on < earliest:
        return None
    else:
        start = offer.starts_on
    if offer.ends_on is not None and start > offer.ends_on:
        return None
    return start


def failed_filter(
    offer: Offer, need: Need, region: Region, rules: MatchingRules, today: date
) -> Filter | None:
    """The first hard filter the offer fails for this need, or None if the person can join."""
    for name, passes in _CHECKS:
        if not passes(offer, need, region, rules, today):
            return name
    return None


Check = Callable[[Offer, Need, Region, MatchingRules, date], bool]


def _module(offer: Offer, need: Need, *_: object) -> bool:
    """The requested module, for the requested stage."""
    return offer.module == need.module and offer.stage == need.stage


def _not_tried(offer: Offer, need: Need, *_: object) -> bool:
    """An offer already tried for the stage is not proposed again."""
    return offer.offer_id not in need.excluded_offer_ids


def _employment(offer: Offer, need: Need, *_: object) -> bool:
    """A ban on employment closes work, internships and F2 (which runs beside work)."""
    return not (need.employment_ban and offer.involves_employment)


def _age(offer: Offer, need: Need, *_: object) -> bool:
    """An offer's age bands bind only when the person's band is known."""
    return not offer.age_bands or need.age_band is None or need.age_band in offer.age_bands


def _women_only(offer: Offer, need: Need, *_: object) -> bool:
    """Women-only offers are closed to someone known not to be a woman."""
    return not offer.women_only or need.woman is not False


def _language(offer: Offer, need: Need, *_: object) -> bool:
    """The person's German meets the offer's entry level."""
    return language_rank(need.current_language_level) >= language_rank(
        offer.language_level_required
    )


def _dates(offer: Offer, need: Need, _: Region, rules: MatchingRules, today: date) -> bool:
    """A start between the earliest useful day and the longest wait."""
    start = next_start(offer, need, today)
    return start is not None and start <= today + timedelta(days=rules.max_wait_days)


def _places(offer: Offer, *_: object) -> bool:
    """At least one place free."""
    return offer.free_places > 0


def _reach(offer: Offer, need: Need, region: Region, rules: MatchingRules, _: date) -> bool:
    """Within the longest acceptable way from the person's Kommune."""
    km = region.distance_km(need.kommune, offer.kommune)
    return km is not None and km <= rules.max_travel_km


def _childcare(offer: Offer, need: Need, *_: object) -> bool:
    """With a child to care for: childcare on site, or part time so a Kita place can cover it."""
    return not need.childcare_needed or offer.childcare or offer.time_model == TimeModel.PART_TIME


_CHECKS: tuple[tuple[Filter, Check], ...] = (
    (Filter.MODULE, _module),
    (Filter.ALREADY_TRIED, _not_tried),
    (Filter.EMPLOYMENT_BAN, _employment),
    (Filter.AGE_LIMIT, _age),
    (Filter.WOMEN_ONLY, _women_only),
    (Filter.LANGUAGE, _language),
    (Filter.DATES, _dates),
    (Filter.PLACES, _places),
    (Filter.REACH, _reach),
    (Filter.CHILDCARE, _childcare),
)
