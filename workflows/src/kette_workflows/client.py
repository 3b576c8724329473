"""The one way callers reach a chain: typed decisions in, typed views and errors out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel, ConfigDict
from temporalio.client import Client, WorkflowExecution, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain import ChainEvent, Decision, DecisionRejected, PlanView, Task
from kette_workflows.temporal import search_attributes as sa
from kette_workflows.temporal.io import WORKFLOW_NAME, DecisionResult, chain_workflow_id
from kette_workflows.temporal.views import ChainStateView
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow


class ChainNotFound(LookupError):
    """No chain answers for this participant: never registered, or long finished."""

    def __init__(self, participant_id: str) -> None:
        super().__init__(f"no chain for participant {participant_id}")
        self.participant_id = participant_id


class CaseloadEntry(BaseModel):
    """One chain in a caseload, as Temporal's visibility store knows it (no query needed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    participant_id: str
    kommune: str
    stage: Stage | None
    status: str
    open_task: bool


def caseload_query(
    *,
    kommune: str | None = None,
    stage: Stage | None = None,
    status: str | None = None,
    open_task: bool | None = None,
) -> str:
    """The visibility query of a caseload: running chains, narrowed by the given filters."""
    clauses = [f"WorkflowType = {_quoted(WORKFLOW_NAME)}", "ExecutionStatus = 'Running'"]
    if kommune is not None:
        clauses.append(f"{sa.KOMMUNE.name} = {_quoted(kommune)}")
    if stage is not None:
        clauses.append(f"{sa.STAGE.name} = {_quoted(stage.value)}")
    if status is not None:
        clauses.append(f"{sa.STATUS.name} = {_quoted(status)}")
    if open_task is not None:
        clauses.append(f"{sa.OPEN_TASK.name} = {'true' if open_task else 'false'}")
    return " AND ".join(clauses)


def _quoted(value: str) -> str:
    """A string literal the visibility parser reads back as `value`, so no filter can widen
    the query (the dev server's SQLite store matches no value holding a backslash)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


class ChainClient:
    """Decisions as Updates and views as Queries on `chain-<participant_id>`, by type not name."""

    def __init__(self, client: Client) -> None:
        self._client = client

    async def decide(
        self, participant_id: str, decision: Decision, *, update_id: str | None = None
    ) -> DecisionResult:
        """Returns once the decision's events are on Kafka; a rejection changes nothing.

        The same `update_id` sent again attaches to the first call instead of deciding twice.
        """
        async with self._reaching(participant_id) as handle:
            try:
                result: DecisionResult = await handle.execute_update(
                    type(decision).name, decision, id=update_id, result_type=DecisionResult
                )
            except WorkflowUpdateFailedError as failed:
                rejected = _rejection(failed)
                if rejected is None:
                    raise
                raise rejected from failed
            return result

    async def state(self, participant_id: str) -> ChainStateView:
        async with self._reaching(participant_id) as handle:
            return await handle.query(IntegrationsketteWorkflow.state)

    async def plan(self, participant_id: str) -> PlanView:
        """The plan with its German reasons."""
        async with self._reaching(participant_id) as handle:
            return (await handle.query(IntegrationsketteWorkflow.plan)).plan

    async def tasks(self, participant_id: str) -> list[Task]:
        """The caseworker's open tasks."""
        async with self._reaching(participant_id) as handle:
            return await handle.query(IntegrationsketteWorkflow.tasks)

    async def timeline(self, participant_id: str) -> list[ChainEvent]:
        async with self._reaching(participant_id) as handle:
            return await handle.query(IntegrationsketteWorkflow.timeline)

    async def caseload(
        self,
        kommune: str | None = None,
        stage: Stage | None = None,
        status: str | None = None,
        open_task: bool | None = None,
    ) -> list[CaseloadEntry]:
        """Running chains by search attributes; the store lags changes by up to a second."""
        query = caseload_query(kommune=kommune, stage=stage, status=status, open_task=open_task)
        return [_entry(execution) async for execution in self._client.list_workflows(query)]

    @asynccontextmanager
    async def _reaching(self, participant_id: str) -> AsyncIterator[WorkflowHandle[Any, Any]]:
        """A missing chain is the caller's ChainNotFound, not Temporal's RPC status; queries name
        the workflow's methods, so a renamed query breaks the type check, not a caller."""
        try:
            yield self._client.get_workflow_handle(chain_workflow_id(participant_id))
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise ChainNotFound(participant_id) from error
            raise


def _rejection(failed: WorkflowUpdateFailedError) -> DecisionRejected | None:
    """The domain's rejection as the workflow sent it (ApplicationError, type DecisionRejected)."""
    cause = failed.cause
    if not isinstance(cause, ApplicationError) or cause.type != DecisionRejected.__name__:
        return None
    details = cause.details[0] if cause.details else {}
    if not isinstance(details, dict):
        return None
    return DecisionRejected(
        field=str(details.get("field", "")),
        reason=str(details.get("reason", cause.message)),
        message_de=str(details.get("message_de", "")),
    )


def _entry(execution: WorkflowExecution) -> CaseloadEntry:
    attributes = execution.typed_search_attributes
    stage = attributes.get(sa.STAGE)
    return CaseloadEntry(
        participant_id=execution.id.removeprefix(chain_workflow_id("")),
        kommune=attributes.get(sa.KOMMUNE) or "",
        stage=None if stage in (None, sa.NO_STAGE) else Stage(stage),
        status=attributes.get(sa.STATUS) or "",
        open_task=bool(attributes.get(sa.OPEN_TASK)),
    )
