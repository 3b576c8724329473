"""When a round runs and how it allocates: configurable as KETTE_ALLOCATION__POLICY=greedy …"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Policy(StrEnum):
    """Joint (min-cost flow) in production; greedy to compare."""

    JOINT = "joint"
    GREEDY = "greedy"


class AllocationRules(BaseModel):
    """A round takes every open request at once; the window trades latency for better rounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: Policy = Field(default=Policy.JOINT, description="How a round allocates places.")
    window_seconds: float = Field(
        default=0.0,
        ge=0,
        description="A request waits at least this long for others to join its round; "
        "0: each consumer batch is a round.",
    )
    interval_seconds: float = Field(
        default=1.0, gt=0, description="How often leftover or waiting requests get a round."
    )
    reservation_days: int = Field(
        default=14, ge=0, description="How long an allocated place waits for the confirmation."
    )
