"""The coordinators' catalogue API: parse, call the service, answer; refusals name field, reason."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.vocabulary import Module, Stage
from kette_matching.auth.dependencies import Guard
from kette_matching.catalogue import repository, service
from kette_matching.catalogue.csv_io import offers_to_csv
from kette_matching.catalogue.models import Offer, Provider
from kette_matching.catalogue.region import Region
from kette_matching.catalogue.rules import OfferDraft
from kette_matching.catalogue.xlsx_io import MEDIA_TYPE as XLSX
from kette_matching.catalogue.xlsx_io import offers_to_xlsx


def catalogue_router(
    sessions: async_sessionmaker[AsyncSession], region: Region, coordinator: Guard
) -> APIRouter:
    """Providers, offers and the region's Kommunen; changes need a coordinator's token."""
    router = APIRouter(tags=["catalogue"])
    changes = [Depends(coordinator)]

    @router.get("/kommunen")
    async def kommunen() -> Region:
        """The towns offers may run in, and the distances between them."""
        return region

    @router.get("/providers")
    async def list_providers() -> list[Provider]:
        """Every provider."""
        async with sessions() as session:
            return await repository.providers(session)

    @router.put("/providers/{provider_id}", dependencies=changes)
    async def put_provider(provider_id: str, provider: Provider) -> Provider:
        """Create or replace a provider."""
        _same_id(provider_id, provider.provider_id, "provider_id")
        return await service.put_provider(sessions, provider, region)

    @router.get("/offers")
    async def list_offers(
        module: Module | None = None, stage: Stage | None = None, kommune: str | None = None
    ) -> list[Offer]:
        """Offers, optionally by module, stage and Kommune."""
        async with sessions() as session:
            return await repository.offers(session, module, stage, kommune)

    @router.get("/offers.csv", response_class=Response)
    async def export_offers() -> Response:
        """Every offer as a semicolon CSV that `POST /offers.csv` reads back unchanged."""
        async with sessions() as session:
            body = offers_to_csv(await repository.offers(session))
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="angebote.csv"'},
        )

    @router.post("/offers.csv", dependencies=changes)
    async def import_offers(request: Request) -> service.ImportReport:
        """Import a CSV (UTF-8, `;` or `,`): good rows stored, each bad one named by line,
        column and reason; importing the same file again changes nothing."""
        text = (await request.body()).decode("utf-8-sig", errors="replace")
        return await service.import_offers(sessions, text, region)

    @router.get("/offers.xlsx", response_class=Response)
    async def export_offers_xlsx() -> Response:
        """Every offer as an XLSX sheet with the CSV's columns; `POST /offers.xlsx` reads it."""
        async with sessions() as session:
            body = offers_to_xlsx(await repository.offers(session))
        return Response(
            body,
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="angebote.xlsx"'},
        )

    @router.post("/offers.xlsx", dependencies=changes)
    async def import_offers_xlsx(request: Request) -> service.ImportReport:
        """Import an XLSX workbook (first sheet, the CSV's columns): the same row-by-row report
        as CSV; importing the same file again changes nothing."""
        return await service.import_offers_xlsx(sessions, await request.body(), region)

    @router.get("/offers/{offer_id}")
    async def get_offer(offer_id: str) -> Offer:
        """One offer."""
        async with sessions() as session:
            found = await repository.offer(session, offer_id)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Angebot nicht gefunden")
        return found

    @router.put("/offers/{offer_id}", dependencies=changes)
    async def put_offer(offer_id: str, draft: OfferDraft) -> Offer:
        """Create or replace an offer; 422 with every problem when the rules refuse it."""
        _same_id(offer_id, draft.offer_id, "offer_id")
        return await service.put_offer(sessions, draft, region)

    return router


def _same_id(in_path: str, in_body: str, field: str) -> None:
    """The path names the entry; a body for another one is a mistake, not a rename."""
    if in_path != in_body:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            [{"field": field, "reason": "differs_from_path", "message_de": "Id passt nicht."}],
        )
