"""What one person needs, as the filters read it: the request plus facts matching may know."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.vocabulary import AgeBand, Gender, LanguageLevel, Module, Stage

WOMAN: dict[Gender, bool | None] = {
    Gender.FEMALE: True,
    Gender.MALE: False,
    Gender.DIVERSE: None,
    Gender.UNSPECIFIED: None,
}
"""Who a women-only offer shuts out: only men; diverse and unspecified stay open."""


class Need(BaseModel):
    """The request's facts; `age_band` and `woman` come from kette.participants.v1 when known."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Stage
    module: Module
    kommune: str
    current_language_level: LanguageLevel
    target_language_level: LanguageLevel | None = None
    childcare_needed: bool = False
    employment_ban: bool = False
    earliest_start: date | None = None
    excluded_offer_ids: frozenset[str] = Field(default_factory=frozenset)
    age_band: AgeBand | None = None
    woman: bool | None = None

    @classmethod
    def of(
        cls,
        request: ReferralRequested,
        age_band: AgeBand | None = None,
        gender: Gender | None = None,
    ) -> Need:
        """The need a referral request states, with the person's facts where matching has them."""
        return cls(
            stage=request.stage,
            module=request.module,
            kommune=request.kommune,
            current_language_level=request.current_language_level,
            target_language_level=request.target_language_level,
            childcare_needed=request.constraints.childcare_needed,
            employment_ban=request.constraints.employment_ban,
            earliest_start=request.earliest_start,
            excluded_offer_ids=frozenset(request.excluded_offer_ids),
            age_band=age_band,
            woman=None if gender is None else WOMAN.get(gender),
        )
