"""Matching one need against the catalogue: filter, score, rank, explain; or name the gap."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict

from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.matching import (
    GapReason,
    MatchReason,
    NoOfferFound,
    OffersProposed,
    Proposal,
)
from kette_matching.catalogue.models import Offer
from kette_matching.catalogue.region import Region
from kette_matching.matching.explain import explain_de
from kette_matching.matching.filters import (
    FILTER_DE,
    GAP_OF_FILTER,
    Filter,
    failed_filter,
    next_start,
)
from kette_matching.matching.need import Need
from kette_matching.matching.scoring import Parts, parts_of, reasons_of, weighted
from kette_matching.matching.weights import MatchingRules


class Ranked(BaseModel):
    """An offer the person can join, with its score and why."""

    model_config = ConfigDict(frozen=True)

    offer: Offer
    score: float
    parts: Parts
    starts_on: date
    km: int
    reasons: tuple[MatchReason, ...]
    explanation_de: str


class Rejected(BaseModel):
    """An offer of the right module that failed a filter, and which one."""

    model_config = ConfigDict(frozen=True)

    offer_id: str
    failed: Filter
    explanation_de: str


class MatchResult(BaseModel):
    """Best first, cut to the rules' number of proposals; gaps when nothing fits."""

    model_config = ConfigDict(frozen=True)

    proposals: tuple[Ranked, ...]
    rejected: tuple[Rejected, ...]
    gap_reasons: tuple[GapReason, ...]


def match(
    need: Need, offers: Iterable[Offer], region: Region, rules: MatchingRules, today: date
) -> MatchResult:
    """Pure: the same need, catalogue, rules and day give the same answer."""
    result = rank(need, offers, region, rules, today)
    return result.model_copy(update={"proposals": result.proposals[: rules.max_proposals]})


def rank(
    need: Need, offers: Iterable[Offer], region: Region, rules: MatchingRules, today: date
) -> MatchResult:
    """Every offer the person can join, best first, uncut: the arcs of an allocation round."""
    ranked: list[Ranked] = []
    rejected: list[Rejected] = []
    for offer in offers:
        failed = failed_filter(offer, need, region, rules, today)
        if failed is None:
            ranked.append(_rank(offer, need, region, rules, today))
        elif failed != Filter.MODULE:
            rejected.append(
                Rejected(offer_id=offer.offer_id, failed=failed, explanation_de=FILTER_DE[failed])
            )
    ranked.sort(key=lambda r: (-r.score, r.starts_on, r.offer.offer_id))
    rejected.sort(key=lambda r: r.offer_id)
    gaps = () if ranked else _gaps(rejected)
    return MatchResult(proposals=tuple(ranked), rejected=tuple(rejected), gap_reasons=gaps)


def after_round(
    ranked: MatchResult, allocated: str | None, free_after: Mapping[str, int], rules: MatchingRules
) -> MatchResult:
    """The answer once a round allocated: its offer first, then others with a place left.

    Offers that passed every filter but were filled in the round count as rejected for lack
    of places; with none allocated, every fitting offer was, so the gap is named.
    """
    chosen = [r for r in ranked.proposals if r.offer.offer_id == allocated]
    others = [
        r
        for r in ranked.proposals
        if r.offer.offer_id != allocated and free_after.get(r.offer.offer_id, 0) > 0
    ]
    kept = (chosen + others)[: rules.max_proposals] if chosen else []
    full = [
        Rejected(
            offer_id=r.offer.offer_id, failed=Filter.PLACES, explanation_de=FILTER_DE[Filter.PLACES]
        )
        for r in ranked.proposals
        if r.offer.offer_id != allocated and free_after.get(r.offer.offer_id, 0) <= 0
    ]
    rejected = sorted([*ranked.rejected, *full], key=lambda r: r.offer_id)
    return MatchResult(
        proposals=tuple(kept),
        rejected=tuple(rejected),
        gap_reasons=() if kept else _gaps(rejected),
    )


def _rank(offer: Offer, need: Need, region: Region, rules: MatchingRules, today: date) -> Ranked:
    """Score and explain an offer that passed every filter."""
    start = next_start(offer, need, today)
    km = region.distance_km(need.kommune, offer.kommune)
    assert start is not None and km is not None, "the filters let through only reachable starts"
    parts = parts_of(offer, need, km, (start - today).days, rules)
    return Ranked(
        offer=offer,
        score=weighted(parts, rules),
        parts=parts,
        starts_on=start,
        km=km,
        reasons=reasons_of(offer, need, km, start, today, rules),
        explanation_de=explain_de(offer, need, km, start, today),
    )


def _gaps(rejected: list[Rejected]) -> tuple[GapReason, ...]:
    """Each kind of gap the module's offers ran into, in filter order; none at all: no offer."""
    order = list(Filter)
    failed = sorted({r.failed for r in rejected}, key=order.index)
    gaps = dict.fromkeys(GAP_OF_FILTER[f] for f in failed)
    return tuple(gaps) or (GapReason.NO_OFFER_FOR_MODULE,)


def answer(request: ReferralRequested, result: MatchResult) -> OffersProposed | NoOfferFound:
    """The contract event for a result: proposals with codes, or the unmet need."""
    if not result.proposals:
        return NoOfferFound(
            participant_id=request.participant_id,
            request_id=request.request_id,
            stage=request.stage,
            module=request.module,
            kommune=request.kommune,
            target_language_level=request.target_language_level,
            gap_reasons=result.gap_reasons,
        )
    return OffersProposed(
        participant_id=request.participant_id,
        request_id=request.request_id,
        stage=request.stage,
        module=request.module,
        proposals=tuple(
            Proposal(
                offer_id=r.offer.offer_id,
                provider_id=r.offer.provider_id,
                module=r.offer.module,
                score=r.score,
                starts_on=r.starts_on,
                reasons=r.reasons,
            )
            for r in result.proposals
        ),
    )
