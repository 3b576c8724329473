"""The Kommunen of a Kreis and the road distances between them, checked when loaded."""

from __future__ import annotations

from functools import cached_property
from itertools import combinations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Region(BaseModel):
    """Towns of one Kreis; every pair has one distance, so travel is never guessed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    note: str | None = Field(default=None, description="Where the distances come from.")
    kommunen: tuple[str, ...] = Field(min_length=1)
    road_km: tuple[tuple[str, str, int], ...] = Field(
        description="Each unordered pair of towns once, with the road distance in km."
    )

    @model_validator(mode="after")
    def _every_pair_once(self) -> Region:
        """A missing, repeated or unknown pair is a data error, found at load."""
        towns = set(self.kommunen)
        if len(towns) != len(self.kommunen):
            raise ValueError("a Kommune is listed twice")
        seen: set[frozenset[str]] = set()
        for first, second, km in self.road_km:
            pair = frozenset((first, second))
            if not pair <= towns or len(pair) != 2:
                raise ValueError(f"distance {first}–{second}: unknown or same Kommune")
            if pair in seen:
                raise ValueError(f"distance {first}–{second} is given twice")
            if km <= 0:
                raise ValueError(f"distance {first}–{second} must be positive")
            seen.add(pair)
        missing = [f"{a}–{b}" for a, b in combinations(self.kommunen, 2) if {a, b} not in seen]
        if missing:
            raise ValueError(f"distances missing: {', '.join(missing)}")
        return self

    def knows(self, kommune: str) -> bool:
        """Whether the town belongs to the region."""
        return kommune in self.kommunen

    def distance_km(self, origin: str, destination: str | None) -> int | None:
        """Road km between two towns; 0 within a town or for outreach (None); None if unknown."""
        if destination is None or origin == destination:
            return 0 if destination is None or self.knows(origin) else None
        return self._km.get(frozenset((origin, destination)))

    @cached_property
    def _km(self) -> dict[frozenset[str], int]:
        """Distances by unordered pair, built once."""
        return {frozenset((first, second)): km for first, second, km in self.road_km}
