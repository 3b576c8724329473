"""Catalogue use cases: each checks by the rules, then stores in one transaction."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_matching.catalogue import repository
from kette_matching.catalogue.csv_io import RowProblem, read_offers_csv
from kette_matching.catalogue.models import Offer, Provider
from kette_matching.catalogue.region import Region
from kette_matching.catalogue.rules import OfferDraft, Refused, check_offer, check_provider
from kette_matching.catalogue.seed import Catalogue
from kette_matching.catalogue.xlsx_io import read_offers_xlsx


async def put_provider(
    sessions: async_sessionmaker[AsyncSession], value: Provider, region: Region
) -> Provider:
    """Create or replace a provider; `Refused` if its seat is not in the region."""
    checked = check_provider(value, region)
    async with sessions() as session, session.begin():
        await repository.save_provider(session, checked)
    return checked


async def put_offer(
    sessions: async_sessionmaker[AsyncSession], draft: OfferDraft, region: Region
) -> Offer:
    """Create or replace an offer; `Refused` with every problem, nothing stored then."""
    async with sessions() as session, session.begin():
        providers = {p.provider_id: p for p in await repository.providers(session)}
        existing = await repository.offer(session, draft.offer_id)
        taken = existing.places_taken if existing is not None else 0
        offer = check_offer(draft, region, providers, places_taken=taken)
        await repository.save_offer(session, offer)
    return offer


async def load_seed(sessions: async_sessionmaker[AsyncSession], catalogue: Catalogue) -> int:
    """Add what the database lacks; a coordinator's changes to seeded entries stay."""
    added = 0
    async with sessions() as session, session.begin():
        for provider in catalogue.providers:
            if await repository.provider(session, provider.provider_id) is None:
                await repository.save_provider(session, provider)
        for offer in catalogue.offers:
            if await repository.offer(session, offer.offer_id) is None:
                await repository.save_offer(session, offer)
                added += 1
    return added


class ImportReport(BaseModel):
    """What a CSV import did, row by row: good rows stored, bad rows named with the reason."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = Field(default_factory=list)


async def import_offers(
    sessions: async_sessionmaker[AsyncSession], text: str, region: Region
) -> ImportReport:
    """A CSV: every good row stored in one transaction; the same file again changes nothing."""
    return await import_drafts(sessions, *read_offers_csv(text), region)


async def import_offers_xlsx(
    sessions: async_sessionmaker[AsyncSession], data: bytes, region: Region
) -> ImportReport:
    """An XLSX workbook, read and stored exactly as the CSV."""
    return await import_drafts(sessions, *read_offers_xlsx(data), region)


async def import_drafts(
    sessions: async_sessionmaker[AsyncSession],
    drafts: list[tuple[int, OfferDraft]],
    problems: list[RowProblem],
    region: Region,
) -> ImportReport:
    """Check and store the parsed rows; rows equal to what is stored count as unchanged."""
    report = ImportReport(problems=problems)
    async with sessions() as session, session.begin():
        providers = {p.provider_id: p for p in await repository.providers(session)}
        for line, draft in drafts:
            existing = await repository.offer(session, draft.offer_id)
            taken = existing.places_taken if existing is not None else 0
            try:
                offer = check_offer(draft, region, providers, places_taken=taken)
            except Refused as refused:
                report.problems.extend(
                    RowProblem(line=line, column=p.field, reason=p.reason, message_de=p.message_de)
                    for p in refused.problems
                )
                continue
            if offer == existing:
                report.unchanged += 1
                continue
            await repository.save_offer(session, offer)
            if existing is None:
                report.created += 1
            else:
                report.changed += 1
    report.problems.sort(key=lambda p: (p.line, p.column))
    return report
