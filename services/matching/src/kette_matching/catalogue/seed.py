"""The Kreis Unna seed catalogue: data in a JSON file, checked by the same rules as the API."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.vocabulary import Module
from kette_matching.catalogue.models import Offer, Provider
from kette_matching.catalogue.region import Region
from kette_matching.catalogue.rules import OfferDraft, Refused, check_offer, check_provider

SEED_FILE = "kreis_unna.json"


class SeedOffer(BaseModel):
    """An offer with its start relative to the day the seed is loaded, so it never goes stale."""

    model_config = ConfigDict(extra="allow")

    offer_id: str
    starts_in_days: int | None = Field(default=None, ge=0)
    duration_days: int | None = Field(default=None, ge=1)

    def draft(self, today: date) -> OfferDraft:
        """The offer as a coordinator would enter it on that day."""
        fields: dict[str, Any] = dict(self.model_extra or {})
        if self.starts_in_days is not None:
            starts_on = today + timedelta(days=self.starts_in_days)
            fields["starts_on"] = starts_on
            if self.duration_days is not None:
                fields["ends_on"] = starts_on + timedelta(days=self.duration_days)
        return OfferDraft(offer_id=self.offer_id, **fields)


class SeedFile(BaseModel):
    """The file's shape."""

    model_config = ConfigDict(extra="forbid")

    region: Region
    providers: tuple[Provider, ...]
    offers: tuple[SeedOffer, ...]


class Catalogue(BaseModel):
    """A region with its providers and offers, consistent with each other."""

    model_config = ConfigDict(frozen=True)

    region: Region
    providers: tuple[Provider, ...]
    offers: tuple[Offer, ...]


@cache
def seed_file() -> SeedFile:
    """The packaged seed, parsed once."""
    text = resources.files("kette_matching.data").joinpath(SEED_FILE).read_text("utf-8")
    return SeedFile.model_validate_json(text)


def kreis_unna_region() -> Region:
    """The ten towns of Kreis Unna and their distances."""
    return seed_file().region


def seed_catalogue(today: date) -> Catalogue:
    """The seed as of `today`; a broken entry fails here, naming offer, field and reason."""
    raw = seed_file()
    region = raw.region
    providers = {p.provider_id: check_provider(p, region) for p in raw.providers}
    if len(providers) != len(raw.providers):
        raise ValueError("seed: a provider id is listed twice")
    offers: list[Offer] = []
    for seed in raw.offers:
        try:
            offers.append(check_offer(seed.draft(today), region, providers))
        except Refused as refused:
            raise ValueError(f"seed offer {seed.offer_id}: {refused}") from refused
    if len({o.offer_id for o in offers}) != len(offers):
        raise ValueError("seed: an offer id is listed twice")
    missing = set(Module) - {o.module for o in offers}
    if missing:
        raise ValueError(f"seed: no offer for {', '.join(sorted(missing))}")
    return Catalogue(region=region, providers=tuple(providers.values()), offers=tuple(offers))
