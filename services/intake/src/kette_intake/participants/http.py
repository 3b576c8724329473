"""What the endpoints that record something share: the caller, the parts, the retry key, the
refusals, and the answer (201 for a new record, 200 for the first answer again)."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Response, status

from kette_intake.auth.dependencies import CurrentPrincipal
from kette_intake.auth.principal import Principal
from kette_intake.errors import ErrorBody, Responses
from kette_intake.wiring import Intake, intake

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


@dataclass(frozen=True)
class Recording:
    """One request that records something: who asks, through which parts, under which key."""

    principal: Principal
    parts: Intake
    key: str | None
    response: Response

    async def answer(self, recording: Awaitable[tuple[Answer, bool]]) -> Answer:
        """Await the service call; 201 if it recorded something new, 200 for a retry. Its
        refusals (Refused, DatabaseBusy) reach the app's error handlers unchanged."""
        answer, created = await recording
        self.response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return answer


def _recording(
    principal: CurrentPrincipal,
    parts: Annotated[Intake, Depends(intake)],
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Recording:
    return Recording(principal, parts, idempotency_key, response)


Record = Annotated[Recording, Depends(_recording)]
"""The one dependency of an endpoint that records: token, parts, Idempotency-Key, answer."""
