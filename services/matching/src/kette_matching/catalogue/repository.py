"""Reads and writes of the catalogue, in the caller's session (and so its transaction)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.vocabulary import Module, Stage
from kette_matching.catalogue.models import Offer, Provider
from kette_matching.catalogue.tables import OfferRow, ProviderRow


async def providers(session: AsyncSession) -> list[Provider]:
    """Every provider, by id."""
    rows = await session.exec(select(ProviderRow).order_by(col(ProviderRow.provider_id)))
    return [_provider(row) for row in rows.all()]


async def provider(session: AsyncSession, provider_id: str) -> Provider | None:
    """One provider, or None."""
    row = await session.get(ProviderRow, provider_id)
    return None if row is None else _provider(row)


async def offers(
    session: AsyncSession,
    module: Module | None = None,
    stage: Stage | None = None,
    kommune: str | None = None,
) -> list[Offer]:
    """Offers by id, narrowed by what is given."""
    statement = select(OfferRow).order_by(col(OfferRow.offer_id))
    if module is not None:
        statement = statement.where(OfferRow.module == module.value)
    if stage is not None:
        statement = statement.where(OfferRow.stage == stage.value)
    if kommune is not None:
        statement = statement.where(OfferRow.kommune == kommune)
    return [_offer(row) for row in (await session.exec(statement)).all()]


async def offer(session: AsyncSession, offer_id: str) -> Offer | None:
    """One offer, or None."""
    row = await session.get(OfferRow, offer_id)
    return None if row is None else _offer(row)


async def save_provider(session: AsyncSession, value: Provider) -> None:
    """Insert or replace."""
    await session.merge(ProviderRow(**value.model_dump(mode="json")))
    await session.flush()  # an offer saved next in the transaction may refer to it


async def save_offer(session: AsyncSession, value: Offer) -> None:
    """Insert, or replace all but `places_taken`, which only referrals move (`places.ledger`)."""
    fields = value.model_dump(mode="python")
    fields["age_bands"] = [band.value for band in value.age_bands]
    if await session.get(OfferRow, value.offer_id) is None:
        session.add(OfferRow(**fields))
        await session.flush()
        return
    del fields["places_taken"]
    table = OfferRow.__table__  # type: ignore[attr-defined]
    await session.exec(sa.update(table).where(table.c.offer_id == value.offer_id).values(**fields))


def _provider(row: ProviderRow) -> Provider:
    return Provider.model_validate(row.model_dump())


def _offer(row: OfferRow) -> Offer:
    return Offer.model_validate(row.model_dump())
