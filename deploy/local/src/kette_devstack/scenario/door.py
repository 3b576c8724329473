"""The scenario's way through intake's front door: log in, register, decide over HTTP.

A registration carries an Idempotency-Key and a decision its stable Update id as one, so a
restarted scenario registers nobody twice and takes no decision twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import httpx
import structlog

from kette_workflows.api import Decision

log = structlog.get_logger(__name__)


class IntakeRefused(Exception):
    """Intake refused a request for good: the message names field and reason."""


class Verdict(StrEnum):
    """What became of a decision."""

    TAKEN = "taken"
    REJECTED = "rejected"
    """The chain said no (it has moved on); the player may try again later."""
    TOO_LATE = "too_late"
    """The case is gone or finished: nothing left to decide."""


class IntakeDoor:
    """Bearer tokens per account, fetched on first use and again when one expires."""

    def __init__(
        self,
        base_url: str,
        password: str,
        *,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        self._password = password
        self._tokens: dict[str, str] = {}

    async def close(self) -> None:
        await self._http.aclose()

    async def register(self, username: str, body: Mapping[str, Any], key: str) -> str:
        """The participant id intake gives (the same again for the same key)."""
        answer = await self._send(
            username, "POST", "/api/participants", body, {"Idempotency-Key": key}
        )
        if answer.status_code not in (200, 201):
            raise IntakeRefused(f"registration {key}: {answer.status_code} {_errors(answer)}")
        participant_id: str = answer.json()["participant_id"]
        return participant_id

    async def decide(self, participant_id: str, decision: Decision, update_id: str) -> Verdict:
        """Send the decision as its caseworker; a transient failure raises (the player retries)."""
        body = decision.model_dump(mode="json", exclude={"caseworker_id"}, exclude_none=True)
        path = f"/api/participants/{participant_id}/decisions/{decision.name}"
        answer = await self._send(
            decision.caseworker_id, "POST", path, body, {"Idempotency-Key": update_id}
        )
        if answer.status_code == 200:
            return Verdict.TAKEN
        if answer.status_code == 422:
            log.info("scenario.decision_rejected", key=update_id, cause=_errors(answer))
            return Verdict.REJECTED
        if answer.status_code in (404, 409):
            return Verdict.TOO_LATE
        raise IntakeRefused(f"decision {update_id}: {answer.status_code} {_errors(answer)}")

    async def _send(
        self,
        username: str,
        method: str,
        path: str,
        body: Mapping[str, Any],
        headers: dict[str, str],
    ) -> httpx.Response:
        for attempt in range(2):
            token = await self._token(username, fresh=attempt > 0)
            answer = await self._http.request(
                method,
                path,
                json=dict(body),
                headers={**headers, "Authorization": f"Bearer {token}"},
            )
            if answer.status_code != 401:
                return answer
        return answer

    async def _token(self, username: str, *, fresh: bool) -> str:
        if fresh or username not in self._tokens:
            answer = await self._http.post(
                "/api/token", json={"username": username, "password": self._password}
            )
            if answer.status_code != 200:
                raise IntakeRefused(f"login {username}: {answer.status_code} {_errors(answer)}")
            self._tokens[username] = answer.json()["access_token"]
        return self._tokens[username]


def _errors(answer: httpx.Response) -> str:
    """Field and reason of each error, or the start of the body."""
    try:
        problems = answer.json()["errors"]
        return "; ".join(f"{p['field']}: {p['reason']}" for p in problems)
    except (ValueError, KeyError, TypeError):
        return answer.text[:200]
