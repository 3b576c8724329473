"""Every refusal names the field and the reason, in one JSON shape for all endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from kette_core.db import DatabaseBusy


class Problem(BaseModel):
    """One thing wrong with a request."""

    field: str = Field(description="Dotted path of the field, e.g. 'personal.birth_date'.")
    reason: str = Field(description="Why it was refused, in English.")


class ErrorBody(BaseModel):
    """The body of every 4xx answer."""

    errors: list[Problem]


Responses = dict[int | str, dict[str, object]]


def with_retry(answer: type[BaseModel], errors: Responses) -> Responses:
    """A create answers 201; a retry with the same Idempotency-Key gets the first answer, 200."""
    retry = "The first answer again: a retry with the same Idempotency-Key."
    return {**errors, 200: {"model": answer, "description": retry}}


@dataclass
class Refused(Exception):
    """A rule refused the request; nothing was saved."""

    status_code: int
    problems: list[Problem]

    @classmethod
    def one(cls, status_code: int, field: str, reason: str) -> Refused:
        """The usual case: one field, one reason."""
        return cls(status_code, [Problem(field=field, reason=reason)])


def install_error_handlers(app: FastAPI) -> None:
    """Validation errors lose the echoed input (it may be personal data) and gain field names."""
    app.add_exception_handler(Refused, _refused)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _unparsable)  # type: ignore[arg-type]
    app.add_exception_handler(DatabaseBusy, database_busy)  # type: ignore[arg-type]
    # Routes included after this declare it: any body may be bytes that are not JSON.
    app.router.responses.setdefault(400, {"model": ErrorBody, "description": "Unparsable body"})


async def _refused(_: Request, error: Refused) -> JSONResponse:
    return JSONResponse(ErrorBody(errors=error.problems).model_dump(), error.status_code)


async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        Problem(field=_field(detail.get("loc", ())), reason=str(detail.get("msg", "invalid")))
        for detail in error.errors()
    ]
    return JSONResponse(ErrorBody(errors=problems).model_dump(), 422)


async def database_busy(_: Request, error: DatabaseBusy) -> JSONResponse:
    """Other writers held the database past the wait: nothing was saved, retry shortly."""
    problem = Problem(field="database", reason=f"{error}; nothing was saved")
    headers = {"Retry-After": str(error.retry_after_seconds)}
    return JSONResponse(ErrorBody(errors=[problem]).model_dump(), 503, headers=headers)


async def _unparsable(request: Request, error: HTTPException) -> Response:
    """FastAPI answers a body it cannot decode with 400; give it the shape of every refusal."""
    if error.status_code != 400:
        return await http_exception_handler(request, error)
    problem = Problem(field="body", reason=f"not readable as the declared content: {error.detail}")
    return JSONResponse(ErrorBody(errors=[problem]).model_dump(), 400)


def _field(location: tuple[object, ...] | list[object]) -> str:
    """('body', 'personal', 'birth_date') -> 'personal.birth_date'; headers keep their name."""
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path"):
        parts = parts[1:]
    return ".".join(parts) or "body"
