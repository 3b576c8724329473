"""Providers and offers as the matching rules see them: checked, immutable values."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.base import Identifier, ProviderId
from kette_core.contracts.vocabulary import AgeBand, LanguageLevel, Module, Stage


class ProviderKind(StrEnum):
    """Kind of Träger, as coordinators tell them apart."""

    BILDUNGSTRAEGER = "bildungstraeger"
    WELFARE_ORGANISATION = "welfare_organisation"
    VHS = "vhs"
    BERUFSKOLLEG = "berufskolleg"
    EMPLOYER = "employer"
    KOMMUNE = "kommune"


class TimeModel(StrEnum):
    """Full or part time, which decides whether childcare can be arranged around it."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class Frozen(BaseModel):
    """Catalogue values are closed and immutable like the contract's."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Provider(Frozen):
    """A Träger and the modules it delivers."""

    provider_id: ProviderId
    name: str = Field(min_length=2, max_length=200)
    kind: ProviderKind
    modules: tuple[Module, ...] = Field(min_length=1, description="Modules F1 to F6 it delivers.")
    kommune: str | None = Field(default=None, description="Seat of the provider.")
    contact: str | None = Field(default=None, max_length=300, description="Office contact.")


class Offer(Frozen):
    """One course or placement, with what a person needs to join it."""

    offer_id: Identifier
    provider_id: ProviderId
    module: Module
    stage: Stage
    title: str = Field(min_length=2, max_length=200, description="German title.")
    kommune: str | None = Field(
        default=None, description="Town it runs in; None: across the Kreis (outreach)."
    )
    address: str | None = Field(default=None, max_length=300)
    starts_on: date | None = Field(default=None, description="Next start; None with rolling entry.")
    ends_on: date | None = Field(default=None, description="Last day; None when open-ended.")
    rolling_entry: bool = Field(default=False, description="Joining is possible on any day.")
    time_model: TimeModel = TimeModel.FULL_TIME
    schedule: str | None = Field(default=None, max_length=200, description="e.g. Mo–Fr 8–12 Uhr")
    capacity: int = Field(ge=0)
    places_taken: int = Field(default=0, ge=0)
    language_level_required: LanguageLevel = LanguageLevel.NONE
    language_level_reached: LanguageLevel | None = None
    entry_requirements: str | None = Field(default=None, max_length=500)
    childcare: bool = Field(default=False, description="Childcare on site.")
    public_transport: bool = Field(default=True, description="Reachable by bus or train.")
    cost_per_teaching_hour_eur: float | None = Field(default=None, ge=0)
    involves_employment: bool = Field(
        default=False, description="Work or internship: closed to people under an employment ban."
    )
    women_only: bool = False
    age_bands: tuple[AgeBand, ...] = Field(default=(), description="Empty: no age limit.")

    @property
    def free_places(self) -> int:
        """Places still open; never below zero."""
        return max(self.capacity - self.places_taken, 0)
