"""A database locked past its wait answers 503 with Retry-After: retryable, never a 500."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from kette_core.db import DatabaseBusy


def answer_busy_with_503(app: FastAPI) -> None:
    """Install the handler in the `{"detail": [{field, reason, message}]}` shape of refusals."""

    async def busy(_: Request, error: DatabaseBusy) -> JSONResponse:
        return JSONResponse(
            busy_body(error), 503, headers={"Retry-After": str(error.retry_after_seconds)}
        )

    app.add_exception_handler(DatabaseBusy, busy)  # type: ignore[arg-type]


def busy_body(error: DatabaseBusy) -> dict[str, Any]:
    """What a client reads: nothing was saved, the same request may be sent again."""
    message = f"{error}; nothing was saved"
    return {"detail": [{"field": "database", "reason": "busy", "message": message}]}
