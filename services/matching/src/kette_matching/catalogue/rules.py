"""What makes an offer or provider acceptable: every problem named with its field and reason."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kette_core.contracts.vocabulary import Module, Stage
from kette_matching.catalogue.models import Offer, Provider
from kette_matching.catalogue.region import Region

MODULE_STAGES: dict[Module, frozenset[Stage]] = {
    Module.F1: frozenset(Stage),
    Module.F2: frozenset({Stage.LANGUAGE, Stage.APPRENTICESHIP, Stage.JOB}),
    Module.F3: frozenset({Stage.SCHOOL}),
    Module.F4: frozenset({Stage.LANGUAGE, Stage.SCHOOL, Stage.APPRENTICESHIP}),
    Module.F5: frozenset(Stage),
    Module.F6: frozenset(Stage),
}
"""Which stages each module serves (DOMAIN.md): F3 is the school certificate, F2 runs beside
work, F1 coaching, F5 model projects and F6 case management go with every stage."""


class Problem(BaseModel):
    """One reason an input is refused; `message_de` is what a coordinator reads."""

    model_config = ConfigDict(frozen=True)

    field: str
    reason: str
    message_de: str


class Refused(Exception):
    """An input with problems; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = problems


class OfferDraft(BaseModel):
    """An offer as a coordinator sends it: loose types, so every mistake gets a named reason."""

    model_config = ConfigDict(extra="forbid")

    offer_id: str
    provider_id: str
    module: str
    stage: str
    title: str
    kommune: str | None = None
    address: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    rolling_entry: bool = False
    time_model: str = "full_time"
    schedule: str | None = None
    capacity: int
    language_level_required: str = "none"
    language_level_reached: str | None = None
    entry_requirements: str | None = None
    childcare: bool = False
    public_transport: bool = True
    cost_per_teaching_hour_eur: float | None = None
    involves_employment: bool = False
    women_only: bool = False
    age_bands: list[str] = Field(default_factory=list)


def check_offer(
    draft: OfferDraft, region: Region, providers: Mapping[str, Provider], places_taken: int = 0
) -> Offer:
    """The checked offer, or `Refused` with every problem found (not just the first)."""
    problems = _offer_problems(draft, region, providers)
    if 0 <= draft.capacity < places_taken:
        problems.append(
            Problem(
                field="capacity",
                reason="below_places_taken",
                message_de=f"{places_taken} Plätze sind schon vergeben.",
            )
        )
    offer: Offer | None = None
    try:
        offer = Offer.model_validate({**draft.model_dump(), "places_taken": places_taken})
    except ValidationError as error:
        named = {p.field for p in problems}
        problems += [p for p in _pydantic_problems(error) if p.field not in named]
    if problems or offer is None:
        raise Refused(problems)
    return offer


def _offer_problems(
    draft: OfferDraft, region: Region, providers: Mapping[str, Provider]
) -> list[Problem]:
    """The domain's rules; shape errors (bad enum, bad id) come from the model."""
    problems: list[Problem] = []
    if draft.capacity < 0:
        problems.append(Problem(field="capacity", reason="negative", message_de=_NEGATIVE))
    if draft.starts_on and draft.ends_on and draft.ends_on < draft.starts_on:
        problems.append(Problem(field="ends_on", reason="before_start", message_de=_BEFORE))
    if not draft.rolling_entry and draft.starts_on is None:
        problems.append(Problem(field="starts_on", reason="missing", message_de=_NO_START))
    if draft.kommune is not None and not region.knows(draft.kommune):
        problems.append(
            Problem(
                field="kommune",
                reason="unknown_kommune",
                message_de=f"„{draft.kommune}“ ist keine Kommune im {region.name}.",
            )
        )
    module = _module(draft.module)
    if module is None:
        problems.append(
            Problem(
                field="module",
                reason="unknown_module",
                message_de=f"„{draft.module}“ ist kein Förderbaustein (F1 bis F6).",
            )
        )
    elif draft.stage in set(Stage) and Stage(draft.stage) not in MODULE_STAGES[module]:
        problems.append(
            Problem(
                field="stage",
                reason="module_not_for_stage",
                message_de=f"{module} gehört nicht zur Stufe „{draft.stage}“.",
            )
        )
    provider = providers.get(draft.provider_id)
    if provider is None:
        problems.append(
            Problem(field="provider_id", reason="unknown_provider", message_de=_NO_PROVIDER)
        )
    elif module is not None and module not in provider.modules:
        problems.append(
            Problem(
                field="module",
                reason="provider_lacks_module",
                message_de=f"{provider.name} bietet {module} nicht an.",
            )
        )
    return problems


def check_provider(provider: Provider, region: Region) -> Provider:
    """A provider's seat must be a town of the region."""
    if provider.kommune is not None and not region.knows(provider.kommune):
        raise Refused(
            [
                Problem(
                    field="kommune",
                    reason="unknown_kommune",
                    message_de=f"„{provider.kommune}“ ist keine Kommune im {region.name}.",
                )
            ]
        )
    return provider


def _pydantic_problems(error: ValidationError) -> list[Problem]:
    """Field path and pydantic's error type as the reason."""
    return [
        Problem(
            field=".".join(str(part) for part in item["loc"]) or "body",
            reason=item["type"],
            message_de=f"Ungültiger Wert: {item['msg']}",
        )
        for item in error.errors()
    ]


def _module(code: str) -> Module | None:
    """The module for a code, or None if there is no such module."""
    try:
        return Module(code)
    except ValueError:
        return None


_NEGATIVE = "Die Kapazität darf nicht negativ sein."
_BEFORE = "Das Ende liegt vor dem Beginn."
_NO_START = "Ohne laufenden Einstieg braucht das Angebot einen Beginn."
_NO_PROVIDER = "Diesen Träger gibt es im Katalog nicht."
