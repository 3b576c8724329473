"""Named, configurable weights and limits of the score, so coordinators can tune without code."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MatchingRules(BaseModel):
    """Weights of the score's parts and the limits of the hard filters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    travel_weight: float = Field(default=0.35, ge=0, description="Short way between Kommunen.")
    start_weight: float = Field(default=0.25, ge=0, description="Few days until the start.")
    level_weight: float = Field(default=0.25, ge=0, description="Offer leads to the target level.")
    childcare_weight: float = Field(default=0.15, ge=0, description="Schedule fits childcare.")
    max_travel_km: int = Field(default=25, ge=0, description="Farther offers are out of reach.")
    nearby_km: int = Field(default=15, ge=0, description="Up to here an offer counts as nearby.")
    max_wait_days: int = Field(default=180, ge=1, description="Later starts do not count.")
    soon_days: int = Field(default=21, ge=0, description="Up to here a start counts as soon.")
    max_proposals: int = Field(default=3, ge=1, description="Proposals per answer.")

    def total_weight(self) -> float:
        """Sum of the weights; a score is the weighted mean, so zero means all parts count alike."""
        return self.travel_weight + self.start_weight + self.level_weight + self.childcare_weight
