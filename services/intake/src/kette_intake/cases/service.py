"""The caseworker's work on the chain: caseload, case view and decisions, scoped by Kommune.

Public API (the JSON endpoints and the HTML screens both call only these; all return typed
views from `kette_intake.cases.views` and raise `CaseRefused` with field, English reason and
German `message_de`, status 403/404/409/422/503):

- `await cases.caseload(principal, CaseFilter(...)) -> Caseload`
- `await cases.case(principal, participant_id) -> CaseView`
- `await cases.decide(principal, participant_id, name, fields, request_id=None)
  -> DecisionOutcome`: `name` is a key of `decisions.DECISIONS`, `fields` the decision's fields
  without `caseworker_id` (form values are fine: pydantic converts them); the same
  `request_id` again attaches to the first attempt instead of deciding twice.
- `cases.decision_names(principal) -> list[str]`: the decisions this caller may take.

Names come from ParticipantService.names, so every name shown is a kette.access.v1 event;
auditors get the same views with `name=None`, admins are refused (403).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import WorkflowUpdateFailedError

from kette_core.contracts.vocabulary import ActorRole, Stage
from kette_core.logging import bind_ids
from kette_intake.auth.principal import Principal
from kette_intake.cases import decisions
from kette_intake.cases.chains import ChainSource, reaching
from kette_intake.cases.explanations import Explanations, no_explanations
from kette_intake.cases.problems import CaseRefused, not_found
from kette_intake.cases.views import (
    CaseFilter,
    Caseload,
    CaseRow,
    CaseView,
    DecisionOutcome,
    ProposedOfferView,
)
from kette_intake.participants.repository import ParticipantRepository
from kette_intake.participants.service import ParticipantService
from kette_workflows.api import (
    CaseloadEntry,
    ChainClient,
    ChainEvent,
    ChainStatus,
    DecisionRejected,
    PlanView,
    StagePhase,
    Task,
    TaskKind,
)
from kette_workflows.domain.events import OffersReceived, ReferralConfirmed

log = structlog.get_logger(__name__)

FINISHED = frozenset({ChainStatus.CLOSED, ChainStatus.HANDED_OVER})
_STATUSES = frozenset(status.value for status in ChainStatus)
OVERDUE = TaskKind.PROVIDER_NO_RESPONSE
"""The chain opens this task when a provider let the answer deadline pass."""


class CaseService:
    """Reads and decisions on chains, for the Kommunen the caller may see."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        participants: ParticipantService,
        chains: ChainSource,
        ki_kommunen: Sequence[str],
        *,
        explanations: Explanations = no_explanations,
        call_seconds: float = 10.0,
        decide_seconds: float = 20.0,
        parallel_queries: int = 16,
    ) -> None:
        self._sessions = sessions
        self._participants = participants
        self._chains = chains
        self._kommunen = tuple(ki_kommunen)
        self._explanations = explanations
        self._call_seconds = call_seconds
        self._decide_seconds = decide_seconds
        self._parallel = parallel_queries

    def decision_names(self, principal: Principal) -> list[str]:
        """Caseworkers and coordinators decide; auditors and admins only look (or not at all)."""
        return sorted(decisions.DECISIONS) if principal.sees_personal_data else []

    async def caseload(self, principal: Principal, filters: CaseFilter | None = None) -> Caseload:
        """Open cases of the caller's Kommunen, most in need of attention first.

        Closed and handed-over chains (which linger a while) appear only when `status` asks.
        """
        filters = filters or CaseFilter()
        kommunen = self._kommunen_for(principal, filters.kommune)
        chains = await self._chains()
        async with reaching(None, self._call_seconds):
            listed = await asyncio.gather(
                *(
                    chains.caseload(
                        kommune=kommune,
                        stage=filters.stage,
                        status=filters.status.value if filters.status else None,
                        open_task=filters.open_task,
                    )
                    for kommune in kommunen
                )
            )
            entries = await self._held(kommunen, [e for found in listed for e in found], filters)
            tasks = await self._open_tasks(chains, [e.participant_id for e in entries])
        names = await self._names(principal, [e.participant_id for e in entries])
        rows = [
            _row(entry, tasks[entry.participant_id], names.get(entry.participant_id))
            for entry in entries
            if entry.participant_id in tasks and entry.status in _STATUSES
        ]
        if filters.task is not None:
            rows = [row for row in rows if filters.task in row.task_kinds]
        rows.sort(key=_attention)
        return Caseload(rows=rows, pseudonymous=not principal.sees_personal_data)

    async def case(self, principal: Principal, participant_id: str) -> CaseView:
        """Plan, tasks, proposed offers and timeline of one case the caller may see."""
        await self._require_visible(principal, participant_id)
        chains = await self._chains()
        async with reaching(participant_id, self._call_seconds):
            state, plan, tasks, timeline = await asyncio.gather(
                chains.state(participant_id),
                chains.plan(participant_id),
                chains.tasks(participant_id),
                chains.timeline(participant_id),
            )
        names = await self._names(principal, [participant_id])
        status = ChainStatus(state.status)
        return CaseView(
            participant_id=participant_id,
            name=names.get(participant_id),
            kommune=state.kommune,
            status=status,
            current_stages=state.current_stages,
            plan=plan,
            open_tasks=[task for task in tasks if task.is_open],
            proposed_offers=await self._explained(proposed_offers(plan, timeline)),
            timeline=timeline,
            decisions=[] if status in FINISHED else self.decision_names(principal),
        )

    async def decide(
        self,
        principal: Principal,
        participant_id: str,
        name: str,
        fields: Mapping[str, Any],
        request_id: str | None = None,
    ) -> DecisionOutcome:
        """One Temporal Update; a rejection changes nothing and names its field."""
        if not principal.sees_personal_data:
            raise CaseRefused.one(
                403,
                "authorization",
                f"the role {principal.role.value} does not take decisions",
                "Ihre Rolle trifft keine Entscheidungen.",
            )
        await self._require_visible(principal, participant_id)
        decision = decisions.parse(name, fields, principal.actor_id)
        update_id = f"{principal.actor_id}:{request_id}" if request_id else None
        chains = await self._chains()
        async with reaching(participant_id, self._decide_seconds):
            try:
                result = await chains.decide(participant_id, decision, update_id=update_id)
            except DecisionRejected as rejected:
                raise CaseRefused.one(
                    422, rejected.field, rejected.reason, rejected.message_de
                ) from None
            except WorkflowUpdateFailedError as failed:
                raise CaseRefused.one(
                    422,
                    "decision",
                    f"the chain refused the decision: {failed.cause or failed}",
                    "Die Kette hat die Entscheidung abgelehnt.",
                ) from None
        with bind_ids(participant_id=participant_id):
            log.info("intake.decision_taken", decision=name, actor_id=principal.actor_id)
        return DecisionOutcome(
            participant_id=participant_id, decision=name, events=result.events, status=result.status
        )

    def _scope(self, principal: Principal) -> tuple[str, ...]:
        """Auditors see the whole KI without names; admins manage accounts, not cases."""
        if principal.role is ActorRole.AUDITOR:
            return self._kommunen
        if not principal.sees_personal_data:
            raise CaseRefused.one(
                403,
                "authorization",
                f"the role {principal.role.value} does not see cases",
                "Ihre Rolle sieht keine Fälle.",
            )
        return principal.scope(self._kommunen)

    def _kommunen_for(self, principal: Principal, kommune: str | None) -> tuple[str, ...]:
        scope = self._scope(principal)
        if kommune is None:
            return scope
        if kommune not in scope:
            raise CaseRefused.one(
                422,
                "kommune",
                f"{kommune!r} is not one of your Kommunen ({', '.join(scope) or 'none'})",
                "Diese Kommune gehört nicht zu Ihren Kommunen.",
            )
        return (kommune,)

    async def _require_visible(self, principal: Principal, participant_id: str) -> None:
        """404 unless intake holds the person in one of the caller's Kommunen."""
        scope = self._scope(principal)
        async with self._sessions() as session:
            row = await ParticipantRepository(session).in_scope(participant_id, scope)
        if row is None:
            raise not_found(participant_id)

    async def _held(
        self, kommunen: Sequence[str], entries: list[CaseloadEntry], filters: CaseFilter
    ) -> list[CaseloadEntry]:
        """Chains of people intake holds in these Kommunen; finished ones only when asked for."""
        if filters.status is None:
            entries = [entry for entry in entries if entry.status not in FINISHED]
        if not entries:
            return []
        async with self._sessions() as session:
            rows = await ParticipantRepository(session).many_in_scope(
                [entry.participant_id for entry in entries], kommunen
            )
        held = {row.id for row in rows}
        return [entry for entry in entries if entry.participant_id in held]

    async def _open_tasks(
        self, chains: ChainClient, participant_ids: Sequence[str]
    ) -> dict[str, list[Task]]:
        """Open tasks per chain, a few queries at a time; a chain gone meanwhile is left out."""
        slots = asyncio.Semaphore(self._parallel)

        async def one(participant_id: str) -> list[Task] | None:
            async with slots:
                try:
                    async with reaching(participant_id, self._call_seconds):
                        tasks = await chains.tasks(participant_id)
                except CaseRefused as refused:
                    if refused.status_code == 404:
                        return None
                    raise
            return [task for task in tasks if task.is_open]

        answers = await asyncio.gather(*(one(pid) for pid in participant_ids))
        return {
            pid: tasks
            for pid, tasks in zip(participant_ids, answers, strict=True)
            if tasks is not None
        }

    async def _explained(self, offers: list[ProposedOfferView]) -> list[ProposedOfferView]:
        """Each offer with matching's German reason for proposing it, where matching has one."""
        requests = list(dict.fromkeys(offer.request_id for offer in offers))
        found = await asyncio.gather(*(self._explanations(request) for request in requests))
        sentences = dict(zip(requests, found, strict=True))
        return [
            offer.model_copy(
                update={"explanation_de": sentences[offer.request_id].get(offer.offer_id)}
            )
            for offer in offers
        ]

    async def _names(self, principal: Principal, participant_ids: list[str]) -> dict[str, str]:
        if not principal.sees_personal_data:
            return {}
        return await self._participants.names(principal, participant_ids)


def _row(entry: CaseloadEntry, tasks: list[Task], name: str | None) -> CaseRow:
    tasks = sorted(tasks, key=lambda task: task.opened_at)
    return CaseRow(
        participant_id=entry.participant_id,
        name=name,
        kommune=entry.kommune,
        stage=entry.stage,
        status=ChainStatus(entry.status),
        open_tasks=len(tasks),
        overdue_answers=sum(1 for task in tasks if task.kind == OVERDUE),
        task_kinds=[task.kind for task in tasks],
        oldest_task_on=tasks[0].opened_at.date() if tasks else None,
    )


def _attention(row: CaseRow) -> tuple[int, int, date, str]:
    """Overdue provider answers first, then more open tasks, then the longest waiting."""
    return (
        -row.overdue_answers,
        -row.open_tasks,
        row.oldest_task_on or date.max,
        row.participant_id,
    )


def proposed_offers(plan: PlanView, timeline: Sequence[ChainEvent]) -> list[ProposedOfferView]:
    """The latest proposals of each stage awaiting a decision, untried ones only, best first."""
    waiting = {
        stage for stage, phase in plan.phases.items() if phase == StagePhase.AWAITING_DECISION
    }
    latest: dict[Stage, OffersReceived] = {}
    referred: set[tuple[Stage, str]] = set()
    for event in timeline:
        if isinstance(event, OffersReceived) and event.stage in waiting:
            latest[event.stage] = event
        elif isinstance(event, ReferralConfirmed):
            referred.add((event.stage, event.offer_id))
    offers: list[ProposedOfferView] = []
    for stage, received in latest.items():
        untried = [o for o in received.offer_ids if (stage, o) not in referred]
        offers.extend(
            ProposedOfferView(
                stage=stage, offer_id=offer_id, rank=rank, request_id=received.request_id
            )
            for rank, offer_id in enumerate(untried, start=1)
        )
    return offers
