"""Inputs that arrive as signals: match results, provider reports, residence-status changes."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.base import Identifier, ProviderId
from kette_core.contracts.vocabulary import LanguageLevel, Module, PermitBasis, ResidenceStatus
from kette_workflows.domain.vocabulary import ReportKind

_CONFIG = ConfigDict(extra="forbid", frozen=True)


class ProposedOffer(BaseModel):
    """An offer matching proposed for a stage; ranked, best first."""

    model_config = _CONFIG

    offer_id: Identifier
    provider_id: ProviderId
    module: Module | None = None
    rank: int = Field(ge=1)


class MatchResult(BaseModel):
    """Matching's answer to a referral request; no offers means a gap."""

    model_config = _CONFIG

    request_id: str
    offers: list[ProposedOffer] = Field(default_factory=list)


class ProviderReport(BaseModel):
    """A validated provider report; `report_id` is its event id, so duplicates are recognised."""

    model_config = _CONFIG

    report_id: str
    referral_id: str
    provider_id: ProviderId | None = Field(
        default=None, description="Who reported: only the provider holding the referral counts."
    )
    kind: ReportKind
    reported_on: date
    attendance_percent: int | None = Field(default=None, ge=0, le=100)
    exam_passed: bool | None = None
    exam_level: LanguageLevel | None = None

    @property
    def complete(self) -> bool:
        """Attendance needs its percentage, an exam result its pass or fail (as for caseworkers)."""
        if self.kind == ReportKind.ATTENDANCE:
            return self.attendance_percent is not None
        if self.kind == ReportKind.EXAM_RESULT:
            return self.exam_passed is not None
        return True


class ResidenceStatusChange(BaseModel):
    """A new residence status class from intake; removal closes the case."""

    model_config = _CONFIG

    new_status: ResidenceStatus
    expires_on: date | None = None
    permit_basis: PermitBasis | None = None
    removal_ordered: bool = False
