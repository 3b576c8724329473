"""What the endpoints that record something share: the retry key, the refusals, and the answer
(201 for a new record, 200 for the first answer again)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, TypeVar

from fastapi import Header, Response, status

from kette_intake.errors import ErrorBody, Responses

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="Client-chosen key: a retry with it gets the first answer, nothing twice.",
    ),
]
_BUSY = "The database is busy with other writers; nothing was saved. Retry after Retry-After."
REFUSALS: Responses = {
    **{code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)},
    503: {"model": ErrorBody, "description": _BUSY},
}

Answer = TypeVar("Answer")


async def recorded(response: Response, recording: Awaitable[tuple[Answer, bool]]) -> Answer:
    """Await a service call that records something; 201 if it was new, 200 for a retry.
    Its refusals (Refused, DatabaseBusy) reach the app's error handlers unchanged."""
    answer, created = await recording
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return answer
