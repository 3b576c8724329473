"""Answers of the matching service to a referral request."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from kette_core.contracts import topics
from kette_core.contracts.base import (
    EXAMPLE_OFFER,
    EXAMPLE_PARTICIPANT,
    EXAMPLE_PROVIDER,
    EXAMPLE_REQUEST,
    EventDate,
    EventPayload,
    Identifier,
    Kommune,
    ParticipantId,
    ProviderId,
    example_config,
)
from kette_core.contracts.vocabulary import ContractModel, LanguageLevel, Module, Stage


class MatchingEvent(EventPayload):
    """Matching answers are keyed by participant, like the request they answer."""

    channels: ClassVar[tuple[str, ...]] = (topics.MATCHING,)

    participant_id: ParticipantId
    request_id: Identifier = Field(description="Referral request this answers.")
    stage: Stage = Field(description="Stage the request was for.")
    module: Module = Field(description="Support module asked for.")


class MatchReason(StrEnum):
    """Why an offer scored as it did."""

    MODULE_FITS = "module_fits"
    LANGUAGE_LEVEL_FITS = "language_level_fits"
    IN_KOMMUNE = "in_kommune"
    NEARBY_KOMMUNE = "nearby_kommune"
    STARTS_SOON = "starts_soon"
    PLACES_FREE = "places_free"
    CHILDCARE_AVAILABLE = "childcare_available"
    WOMEN_ONLY_OFFER = "women_only_offer"


class GapReason(StrEnum):
    """Why no offer fits: the kind of gap in the offer landscape (Angebotslücke)."""

    NO_OFFER_FOR_MODULE = "no_offer_for_module"
    NO_OFFER_IN_KOMMUNE = "no_offer_in_kommune"
    NO_FREE_PLACES = "no_free_places"
    LANGUAGE_LEVEL_MISMATCH = "language_level_mismatch"
    NO_CHILDCARE = "no_childcare"
    EMPLOYMENT_BAN = "employment_ban"
    NO_START_IN_TIME = "no_start_in_time"


class Proposal(ContractModel):
    """One ranked offer proposed to the caseworker."""

    offer_id: Identifier = Field(description="Offer proposed.")
    provider_id: ProviderId
    module: Module = Field(description="Support module of the offer.")
    score: float = Field(ge=0.0, le=1.0, description="Fit between 0 and 1, higher is better.")
    starts_on: EventDate | None = Field(default=None, description="Next start, if scheduled.")
    reasons: tuple[MatchReason, ...] = Field(default=(), description="Why it scored so.")


class OffersProposed(MatchingEvent):
    """Matching found offers; the caseworker decides among them."""

    event_type: ClassVar[str] = "kette.matching.offers_proposed.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        request_id=EXAMPLE_REQUEST,
        stage="language",
        module="F4",
        proposals=[
            {
                "offer_id": EXAMPLE_OFFER,
                "provider_id": EXAMPLE_PROVIDER,
                "module": "F4",
                "score": 0.86,
                "starts_on": "2024-04-08",
                "reasons": ["module_fits", "childcare_available"],
            }
        ],
    )

    proposals: tuple[Proposal, ...] = Field(min_length=1, description="Offers, best first.")


class NoOfferFound(MatchingEvent):
    """No offer fits: a gap in the offer landscape the coordinators must see."""

    event_type: ClassVar[str] = "kette.matching.no_offer_found.v1"
    model_config = example_config(
        participant_id=EXAMPLE_PARTICIPANT,
        request_id=EXAMPLE_REQUEST,
        stage="school",
        module="F3",
        kommune="Selm",
        gap_reasons=["no_offer_in_kommune", "no_childcare"],
    )

    kommune: Kommune
    target_language_level: LanguageLevel | None = Field(
        default=None, description="German level that was asked for."
    )
    gap_reasons: tuple[GapReason, ...] = Field(min_length=1, description="Kinds of gap found.")
