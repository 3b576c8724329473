"""A rejected decision names field and reason (English for logs, German for screens); the
checks the decisions share build it."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from kette_core.contracts.vocabulary import Module, Stage
from kette_workflows.domain.labels_de import PHASE_DE, STAGE_DE
from kette_workflows.domain.vocabulary import ChainStatus, StagePhase

if TYPE_CHECKING:
    from kette_workflows.domain.state import ChainState


class DecisionRejected(Exception):
    """Raised before anything changes; the caseworker's screen shows `message_de`."""

    def __init__(self, field: str, reason: str, message_de: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.message_de = message_de


def reject(field: str, reason: str, message_de: str) -> NoReturn:
    """One place builds every rejection."""
    raise DecisionRejected(field, reason, message_de)


def require_open_case(state: ChainState) -> None:
    """Nothing changes on a closed or handed-over case."""
    if state.is_closed:
        reject("status", f"case is {state.status.value}", "Der Fall ist bereits abgeschlossen.")


def require_running(state: ChainState) -> None:
    """Referrals wait while the case rests."""
    if state.status == ChainStatus.PAUSED:
        reject(
            "status", "case is paused; resume it first", "Der Fall ruht: bitte zuerst fortsetzen."
        )


def require_consent(state: ChainState) -> None:
    """Without consent nothing goes to a provider."""
    if not state.profile.consent_to_share:
        reject(
            "consent_to_share",
            "consent to share data with providers is withdrawn; no referral is possible",
            "Die Einwilligung zur Datenweitergabe ist widerrufen: keine Zuweisung möglich.",
        )


def require_phase(state: ChainState, stage: Stage, phases: frozenset[StagePhase]) -> None:
    """The stage must be where the decision applies."""
    phase = state.progress(stage).phase
    if phase not in phases:
        expected = ", ".join(sorted(p.value for p in phases))
        reject(
            "stage",
            f"stage {stage.value} is not open for this decision (phase {phase.value}, "
            f"needs {expected})",
            f"Die Stufe {STAGE_DE[stage]} ist dafür nicht offen ({PHASE_DE[phase]}).",
        )


def require_untried(state: ChainState, stage: Stage, offer_id: str) -> None:
    """Referring twice to an offer that already failed helps nobody."""
    if offer_id in state.progress(stage).tried_offer_ids:
        reject(
            "offer_id",
            f"offer {offer_id} was already tried for stage {stage.value}",
            f"Das Angebot {offer_id} wurde für diese Stufe bereits versucht.",
        )


def require_module(state: ChainState, stage: Stage, named: Module | None, field: str) -> None:
    """A referral tells the provider its module: the offer's, or the stage's if it has one."""
    if named is None and state.progress(stage).primary_module is None:
        reject(
            field,
            f"stage {stage.value} plans no module; name the module of the offer",
            "Für diese Stufe ist kein Förderbaustein geplant: bitte den des Angebots angeben.",
        )
