"""The gateway's REST API as a provider calls it: its API key as a bearer token."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import BaseModel

from kette_provider.reports import Report

RETRYABLE = frozenset({429, 500, 502, 503, 504})
"""Statuses after which the same request may succeed later."""


class Problem(BaseModel):
    """One refusal reason: which field, a code for machines, a message for people."""

    field: str
    reason: str
    message: str = ""


class GatewayRefused(Exception):
    """The gateway said no; `retryable` when trying again later may help (429, 5xx)."""

    def __init__(self, status: int, problems: list[Problem]) -> None:
        text = "; ".join(f"{p.field}: {p.reason}" for p in problems) or "no reason given"
        super().__init__(f"HTTP {status}: {text}")
        self.status = status
        self.problems = problems

    @property
    def retryable(self) -> bool:
        return self.status in RETRYABLE

    @property
    def reasons(self) -> set[str]:
        return {problem.reason for problem in self.problems}


class Receipt(BaseModel):
    """The gateway's answer to an accepted report, the same on every resend."""

    event_id: str
    referral_id: str
    referral_state: str
    duplicate: bool


class Gateway:
    """One provider's view of the API; `transport` lets a test answer in-process."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            headers={"Authorization": f"Bearer {api_key}"},
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def report(self, report: Report) -> Receipt:
        """201 for a new report, 200 for one sent before; anything else raises."""
        answer = await self._http.post("/api/reports", json=report.rest_body())
        return Receipt.model_validate(_body(answer, ok=(200, 201)))

    async def contact(self, referral_id: str) -> dict[str, Any]:
        """The participant's contact details for your active referral (consent permitting)."""
        answer = await self._http.get(f"/api/v1/referrals/{referral_id}/contact")
        body = _body(answer, ok=(200,))
        if not isinstance(body, dict):
            raise GatewayRefused(answer.status_code, [Problem(field="body", reason="not_object")])
        return body


def _body(answer: httpx.Response, ok: tuple[int, ...]) -> Any:
    """The JSON body of an expected answer, or GatewayRefused naming field and reason."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if answer.status_code in ok and body is not None:
        return body
    raise GatewayRefused(answer.status_code, _problems(body, answer))


def _problems(body: Any, answer: httpx.Response) -> list[Problem]:
    """`{"detail": [{field, reason, message}]}`, or FastAPI's plain `{"detail": "..."}`."""
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        detail = [detail]
    if isinstance(detail, list):
        return [_problem(item) for item in detail if isinstance(item, dict)]
    text = detail if isinstance(detail, str) else answer.reason_phrase
    return [Problem(field="request", reason=str(text).lower().replace(" ", "_"), message=text)]


def _problem(item: dict[str, Any]) -> Problem:
    """One entry of `detail`, whatever keys it lacks."""
    return Problem(
        field=str(item.get("field", "request")),
        reason=str(item.get("reason", "refused")),
        message=str(item.get("message", "")),
    )


class RestReports:
    """Reports over REST, retried while the gateway cannot answer; a refusal stops the run."""

    def __init__(
        self,
        gateway: Gateway,
        say: Callable[[str], None],
        retry_seconds: float = 1.0,
        max_retry_seconds: float = 30.0,
    ) -> None:
        self._gateway = gateway
        self._say = say
        self._retry = retry_seconds
        self._max_retry = max_retry_seconds

    async def send(self, report: Report, referral: object = None) -> bool:
        """True once the gateway holds the report (new or sent before)."""
        wait = self._retry
        while True:
            try:
                await self._gateway.report(report)
                return True
            except GatewayRefused as refused:
                if not refused.retryable:
                    if "already_reported" in refused.reasons:
                        return True  # a restart resending what an earlier run reported
                    self._say(
                        f"[red]refused[/] {report.kind.value} on {report.referral_id}: {refused}"
                    )
                    return False
                problem = str(refused)
            except httpx.TransportError as error:
                problem = f"{type(error).__name__}: {error}"
            self._say(f"[yellow]retrying[/] {report.kind.value} in {wait:.0f} s ({problem})")
            await asyncio.sleep(wait)
            wait = min(wait * 2, self._max_retry)
