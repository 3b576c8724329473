"""Places and enrolment per offer, as the coordinators' dashboard reads them."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_matching.catalogue import repository
from kette_matching.catalogue.models import Offer
from kette_matching.places.enrolments import EnrolmentCounts, counts_per_offer


class OfferPlaces(BaseModel):
    """Capacity, places held, and how the referred people stand with the provider."""

    offer_id: str
    capacity: int
    places_taken: int
    free_places: int
    enrolment: EnrolmentCounts


def places_router(sessions: async_sessionmaker[AsyncSession]) -> APIRouter:
    """GET /places (every offer) and /places/{offer_id}."""
    router = APIRouter(tags=["places"])

    @router.get("/places")
    async def every_offer() -> list[OfferPlaces]:
        """Every offer's places and enrolment counts."""
        async with sessions() as session:
            counts = await counts_per_offer(session)
            offers = await repository.offers(session)
        return [_view(offer, counts) for offer in offers]

    @router.get("/places/{offer_id}")
    async def one_offer(offer_id: str) -> OfferPlaces:
        """One offer's places and enrolment counts."""
        async with sessions() as session:
            offer = await repository.offer(session, offer_id)
            counts = await counts_per_offer(session)
        if offer is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Angebot nicht gefunden")
        return _view(offer, counts)

    return router


def _view(offer: Offer, counts: dict[str, EnrolmentCounts]) -> OfferPlaces:
    return OfferPlaces(
        offer_id=offer.offer_id,
        capacity=offer.capacity,
        places_taken=offer.places_taken,
        free_places=offer.free_places,
        enrolment=counts.get(offer.offer_id, EnrolmentCounts()),
    )
