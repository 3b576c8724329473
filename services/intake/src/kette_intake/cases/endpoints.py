"""HTTP edge of cases: caseload, case view and one POST per decision, each calling CaseService once.

No `from __future__ import annotations` here: each decision's route is built in a loop and
FastAPI must see the real body model to describe it in the OpenAPI document.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kette_core.contracts.vocabulary import Stage
from kette_intake.auth.dependencies import CurrentPrincipal
from kette_intake.cases.decisions import DECISION_BODIES
from kette_intake.cases.problems import CaseErrorBody, CaseRefused
from kette_intake.cases.views import CaseFilter, Caseload, CaseView, DecisionOutcome
from kette_intake.errors import ErrorBody
from kette_intake.wiring import Intake, intake
from kette_workflows.api import ChainStatus, TaskKind

router = APIRouter(prefix="/api", tags=["cases"])
Parts = Annotated[Intake, Depends(intake)]
RequestKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="Client-chosen key: the same decision sent again with it is taken once.",
    ),
]
_ERRORS: dict[int | str, dict[str, object]] = {
    **{code: {"model": CaseErrorBody} for code in (403, 404, 409, 503)},
    401: {"model": ErrorBody},  # the token check is shared with every API, no German text
    422: {"model": CaseErrorBody | ErrorBody},  # a decision refused, or a body malformed
}
RETRY_AFTER_SECONDS = 30


@router.get("/caseload", responses=_ERRORS)
async def caseload(
    principal: CurrentPrincipal,
    parts: Parts,
    kommune: Annotated[str | None, Query(max_length=120)] = None,
    stage: Stage | None = None,
    status: ChainStatus | None = None,
    task: TaskKind | None = None,
    open_task: bool | None = None,
) -> Caseload:
    """The caller's running cases, most in need of attention first (names shown are logged)."""
    filters = CaseFilter(
        kommune=kommune, stage=stage, status=status, task=task, open_task=open_task
    )
    return await parts.cases.caseload(principal, filters)


@router.get("/participants/{participant_id}/case", responses=_ERRORS)
async def case(participant_id: str, principal: CurrentPrincipal, parts: Parts) -> CaseView:
    """Plan with German reasons, open tasks, proposed offers and timeline of one case."""
    return await parts.cases.case(principal, participant_id)


def _add_decision_route(name: str, body: type[BaseModel]) -> None:
    """POST /api/participants/{id}/decisions/<name>, its body described by the decision's model."""

    async def decide(
        participant_id: str,
        decision: BaseModel,
        principal: CurrentPrincipal,
        parts: Parts,
        idempotency_key: RequestKey = None,
    ) -> DecisionOutcome:
        fields = decision.model_dump(exclude_unset=True)
        return await parts.cases.decide(principal, participant_id, name, fields, idempotency_key)

    decide.__annotations__["decision"] = body
    router.add_api_route(
        f"/participants/{{participant_id}}/decisions/{name}",
        decide,
        methods=["POST"],
        name=f"decide_{name}",
        summary=f"Decision {name}",
        description=(body.__doc__ or "").strip()
        + "\n\nOne Temporal Update; a rejection (422) names its field and changes nothing.",
        responses=_ERRORS,
    )


for _name, _body in DECISION_BODIES.items():
    _add_decision_route(_name, _body)


def install_error_handlers(app: FastAPI) -> None:
    """Refusals of case requests carry the German text for the screens as well."""
    app.add_exception_handler(CaseRefused, _refused)  # type: ignore[arg-type]


async def _refused(_: Request, error: CaseRefused) -> JSONResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if error.status_code == 503 else None
    body = CaseErrorBody(errors=error.problems).model_dump()
    return JSONResponse(body, error.status_code, headers=headers)
