"""The score of an offer that passed the filters: a weighted mean of named parts in [0, 1]."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.matching import MatchReason
from kette_core.contracts.vocabulary import language_rank
from kette_matching.catalogue.models import Offer
from kette_matching.matching.need import Need
from kette_matching.matching.weights import MatchingRules


class Parts(BaseModel):
    """Each part of the score, 1 best, 0 worst."""

    model_config = ConfigDict(frozen=True)

    travel: float = Field(ge=0, le=1)
    start: float = Field(ge=0, le=1)
    level: float = Field(ge=0, le=1)
    childcare: float = Field(ge=0, le=1)


def travel_part(km: int, rules: MatchingRules) -> float:
    """Linear from 1 at home to 0 at the longest acceptable way."""
    if rules.max_travel_km == 0:
        return 1.0
    return _unit(1 - km / rules.max_travel_km)


def start_part(days: int, rules: MatchingRules) -> float:
    """Linear from 1 for a start today to 0 at the longest wait."""
    return _unit(1 - days / rules.max_wait_days)


def level_part(offer: Offer, need: Need) -> float:
    """1 when the offer leads exactly to the target; overshooting a little less; short of it,
    less with every level missing; an offer that states no level sits in the middle."""
    if need.target_language_level is None:
        return 1.0
    if offer.language_level_reached is None:
        return 0.5
    gap = language_rank(offer.language_level_reached) - language_rank(need.target_language_level)
    if gap == 0:
        return 1.0
    if gap > 0:
        return 0.8
    return _unit(1 + 0.4 * gap)


def childcare_part(offer: Offer, need: Need) -> float:
    """Without a child to care for all fits; with one, childcare on site beats part time."""
    if not need.childcare_needed or offer.childcare:
        return 1.0
    return 0.5


def parts_of(offer: Offer, need: Need, km: int, days: int, rules: MatchingRules) -> Parts:
    """All parts for one offer."""
    return Parts(
        travel=travel_part(km, rules),
        start=start_part(days, rules),
        level=level_part(offer, need),
        childcare=childcare_part(offer, need),
    )


def weighted(parts: Parts, rules: MatchingRules) -> float:
    """Weighted mean rounded to two places; with all weights zero, the plain mean."""
    pairs = (
        (rules.travel_weight, parts.travel),
        (rules.start_weight, parts.start),
        (rules.level_weight, parts.level),
        (rules.childcare_weight, parts.childcare),
    )
    total = rules.total_weight()
    if total == 0:
        return round(sum(value for _, value in pairs) / len(pairs), 2)
    return round(_unit(sum(weight * value for weight, value in pairs) / total), 2)


def reasons_of(
    offer: Offer, need: Need, km: int, start: date, today: date, rules: MatchingRules
) -> tuple[MatchReason, ...]:
    """The contract's codes for why the offer scored as it did."""
    reasons = [MatchReason.MODULE_FITS]
    if need.target_language_level is not None and level_part(offer, need) >= 0.8:
        reasons.append(MatchReason.LANGUAGE_LEVEL_FITS)
    if offer.kommune == need.kommune:
        reasons.append(MatchReason.IN_KOMMUNE)
    elif km <= rules.nearby_km:
        reasons.append(MatchReason.NEARBY_KOMMUNE)
    if (start - today).days <= rules.soon_days:
        reasons.append(MatchReason.STARTS_SOON)
    reasons.append(MatchReason.PLACES_FREE)
    if offer.childcare:
        reasons.append(MatchReason.CHILDCARE_AVAILABLE)
    if offer.women_only:
        reasons.append(MatchReason.WOMEN_ONLY_OFFER)
    return tuple(reasons)


def _unit(value: float) -> float:
    """Clamp into [0, 1]."""
    return min(max(value, 0.0), 1.0)
