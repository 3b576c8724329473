"""Pure rules: which roles read figures, and which Kommunen a reader's figures may cover."""

from __future__ import annotations

from kette_core.contracts.vocabulary import ActorRole
from kette_core.tokens import TokenClaims

READS_FIGURES = frozenset({ActorRole.COORDINATOR, ActorRole.AUDITOR, ActorRole.ADMIN})
"""Caseworkers work cases; figures are for coordination, audit and administration."""


class Refusal(Exception):
    """A request the reader may not make: status, field and reason (English), German text."""

    def __init__(self, status: int, field: str, reason: str, message_de: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.status = status
        self.field = field
        self.reason = reason
        self.message_de = message_de


def may_read_figures(claims: TokenClaims) -> TokenClaims:
    """The claims again if the role reads figures; a 403 Refusal otherwise."""
    if claims.role not in READS_FIGURES:
        raise Refusal(
            403,
            "authorization",
            f"role {claims.role.value} may not read figures (coordinator, auditor or admin only)",
            "Die Zahlen sehen nur Koordination, Prüfung und Verwaltung.",
        )
    return claims


def scoped_kommunen(claims: TokenClaims) -> tuple[str, ...]:
    """The Kommunen a coordinator is limited to; empty means the whole KI."""
    return claims.kommunen if claims.role is ActorRole.COORDINATOR else ()


def kommune_for(claims: TokenClaims, asked: str | None) -> str | None:
    """The Kommune filter to apply: as asked, forced to her only one, or a 403 Refusal."""
    own = scoped_kommunen(claims)
    if not own:
        return asked
    listed = ", ".join(own)
    if asked is None:
        if len(own) == 1:
            return own[0]
        raise Refusal(
            403,
            "kommune",
            f"required: this token sees only the Kommunen {listed}",
            f"Bitte wählen Sie eine Ihrer Kommunen: {listed}.",
        )
    if asked not in own:
        raise Refusal(
            403,
            "kommune",
            f"{asked!r} is outside the Kommunen of this token ({listed})",
            f"Sie sehen nur die Zahlen Ihrer Kommunen: {listed}.",
        )
    return asked


def whole_ki(claims: TokenClaims) -> TokenClaims:
    """The claims again if they cover the whole KI; a 403 Refusal for a scoped coordinator."""
    own = scoped_kommunen(claims)
    if own:
        raise Refusal(
            403,
            "authorization",
            f"this token sees only the Kommunen {', '.join(own)}, not the whole KI",
            "Diese Angaben betreffen den ganzen Kreis; Sie sehen nur Ihre Kommunen.",
        )
    return claims
