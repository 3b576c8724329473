"""What the change and rights endpoints declare alike: the retry key and the refusals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

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
REFUSALS: Responses = {code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)}
