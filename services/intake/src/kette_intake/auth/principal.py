"""Who is asking, and which participants' personal data they may see."""

from __future__ import annotations

from dataclasses import dataclass

from kette_core.contracts.vocabulary import Actor, ActorRole

SEES_PERSONAL_DATA = frozenset({ActorRole.CASEWORKER, ActorRole.COORDINATOR})
"""Auditors see events, never personal data; admins manage accounts, not cases."""


@dataclass(frozen=True)
class Principal:
    """The verified caller of one request."""

    actor_id: str
    role: ActorRole
    kommunen: tuple[str, ...]

    @property
    def actor(self) -> Actor:
        """The pseudonymous actor that events name."""
        return Actor(role=self.role, actor_id=self.actor_id)

    @property
    def sees_personal_data(self) -> bool:
        """Whether the role may read names, birth dates and contacts at all."""
        return self.role in SEES_PERSONAL_DATA

    def scope(self, ki_kommunen: tuple[str, ...]) -> tuple[str, ...]:
        """Kommunen whose participants the caller may see: her own, or the whole KI."""
        if self.role is ActorRole.COORDINATOR:
            return ki_kommunen
        if self.sees_personal_data:
            return tuple(kommune for kommune in self.kommunen if kommune in ki_kommunen)
        return ()
