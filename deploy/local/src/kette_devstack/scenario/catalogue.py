"""The stand-in's view of matching's Kreis Unna seed and the simple rules the player plays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.matching import (
    GapReason,
    MatchReason,
    NoOfferFound,
    OffersProposed,
    Proposal,
)
from kette_core.contracts.vocabulary import Module, Stage
from kette_matching.catalogue.seed import kreis_unna_region, seed_catalogue

KREIS_UNNA_TOWNS = kreis_unna_region().kommunen
"""The ten towns, from matching's seed catalogue (the one copy of the data)."""

NEIGHBOURS: dict[str, frozenset[str]] = {
    "Bergkamen": frozenset({"Kamen", "Werne", "Lünen"}),
    "Bönen": frozenset({"Kamen", "Unna"}),
    "Fröndenberg/Ruhr": frozenset({"Unna", "Schwerte"}),
    "Holzwickede": frozenset({"Unna", "Schwerte"}),
    "Kamen": frozenset({"Unna", "Bergkamen", "Bönen"}),
    "Lünen": frozenset({"Selm", "Bergkamen", "Werne"}),
    "Schwerte": frozenset({"Holzwickede", "Unna", "Fröndenberg/Ruhr"}),
    "Selm": frozenset({"Lünen", "Werne"}),
    "Unna": frozenset({"Kamen", "Holzwickede", "Fröndenberg/Ruhr", "Bönen", "Schwerte"}),
    "Werne": frozenset({"Bergkamen", "Selm", "Lünen"}),
}
"""Towns close enough (by bus) that an offer there still fits."""

MAX_PROPOSALS = 3


@dataclass(frozen=True)
class Offer:
    """One offer of a provider: where it runs, for which stage and module."""

    offer_id: str
    provider_id: str
    module: Module
    stage: Stage
    title_de: str
    kommune: str | None = None
    """Town it runs in; None for offers run across the Kreis."""
    childcare: bool = False
    starts_in_days: int = 14


def _from_seed() -> tuple[Offer, ...]:
    """Matching's seed offers, as much of them as the stand-in's rules read."""
    today = date.today()
    return tuple(
        Offer(
            offer.offer_id,
            offer.provider_id,
            offer.module,
            offer.stage,
            offer.title,
            offer.kommune,
            offer.childcare,
            (offer.starts_on - today).days if offer.starts_on else 0,
        )
        for offer in seed_catalogue(today).offers
    )


CATALOGUE: tuple[Offer, ...] = _from_seed()

PROVIDER_NAMES: dict[str, str] = {
    provider.provider_id: provider.name
    for provider in seed_catalogue(date.today()).providers
    if any(offer.provider_id == provider.provider_id for offer in CATALOGUE)
}
"""Every provider an offer of the catalogue belongs to: the demo registers each at the gateway."""

OFFERS_BY_ID = {offer.offer_id: offer for offer in CATALOGUE}


def _score(offer: Offer, request: ReferralRequested) -> tuple[float, tuple[MatchReason, ...]]:
    """Module fit first, then distance, childcare and an early start."""
    score, reasons = 0.5, [MatchReason.MODULE_FITS]
    if request.target_language_level is not None:
        reasons.append(MatchReason.LANGUAGE_LEVEL_FITS)
    if offer.kommune == request.kommune:
        score += 0.3
        reasons.append(MatchReason.IN_KOMMUNE)
    elif offer.kommune is None or offer.kommune in NEIGHBOURS.get(request.kommune, frozenset()):
        score += 0.15
        reasons.append(MatchReason.NEARBY_KOMMUNE)
    if request.constraints.childcare_needed and offer.childcare:
        score += 0.1
        reasons.append(MatchReason.CHILDCARE_AVAILABLE)
    if offer.starts_in_days <= 21:
        score += 0.05
        reasons.append(MatchReason.STARTS_SOON)
    reasons.append(MatchReason.PLACES_FREE)
    return round(min(score, 1.0), 2), tuple(reasons)


def _candidates(request: ReferralRequested, *, childcare_matters: bool) -> list[Offer]:
    """Offers of the stage and module, not tried yet, within reach of the person."""
    excluded = set(request.excluded_offer_ids)
    reachable = {request.kommune} | NEIGHBOURS.get(request.kommune, frozenset())
    found = []
    for offer in CATALOGUE:
        if offer.stage != request.stage or offer.module != request.module:
            continue
        if offer.offer_id in excluded:
            continue
        if offer.kommune is not None and offer.kommune not in reachable:
            continue
        if childcare_matters and request.constraints.childcare_needed and not offer.childcare:
            continue
        found.append(offer)
    return found


def match(request: ReferralRequested, today: date) -> OffersProposed | NoOfferFound:
    """Ranked proposals for a referral request, or the gap the coordinators should see."""
    found = _candidates(request, childcare_matters=True)
    if not found:
        gaps = _gap_reasons(request)
        return NoOfferFound(
            participant_id=request.participant_id,
            request_id=request.request_id,
            stage=request.stage,
            module=request.module,
            kommune=request.kommune,
            target_language_level=request.target_language_level,
            gap_reasons=gaps,
        )
    scored = sorted(
        ((_score(offer, request), offer) for offer in found),
        key=lambda item: (-item[0][0], item[1].offer_id),
    )
    proposals = tuple(
        Proposal(
            offer_id=offer.offer_id,
            provider_id=offer.provider_id,
            module=offer.module,
            score=score,
            starts_on=today + timedelta(days=offer.starts_in_days),
            reasons=reasons,
        )
        for (score, reasons), offer in scored[:MAX_PROPOSALS]
    )
    return OffersProposed(
        participant_id=request.participant_id,
        request_id=request.request_id,
        stage=request.stage,
        module=request.module,
        proposals=proposals,
    )


def _gap_reasons(request: ReferralRequested) -> tuple[GapReason, ...]:
    """Name the kind of gap: childcare, all tried, or nothing for the module at all."""
    if request.constraints.childcare_needed and _candidates(request, childcare_matters=False):
        return (GapReason.NO_CHILDCARE,)
    if any(o.stage == request.stage and o.module == request.module for o in CATALOGUE):
        return (GapReason.NO_OFFER_IN_KOMMUNE,)
    return (GapReason.NO_OFFER_FOR_MODULE,)


def found_by_caseworker(
    stage: Stage, module: Module | None, kommune: str, tried: set[str]
) -> Offer | None:
    """What a caseworker books herself when matching found nothing (she arranges childcare too)."""
    reachable = {kommune} | NEIGHBOURS.get(kommune, frozenset())
    fitting = [
        offer
        for offer in CATALOGUE
        if offer.stage == stage
        and (module is None or offer.module == module)
        and offer.offer_id not in tried
    ]
    fitting.sort(key=lambda o: (o.kommune not in reachable and o.kommune is not None, o.offer_id))
    return fitting[0] if fitting else None
