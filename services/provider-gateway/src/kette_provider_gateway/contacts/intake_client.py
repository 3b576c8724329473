"""The intake port over HTTP: GET /internal/participants/{id}/contact with the service token."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import structlog
from pydantic import SecretStr, ValidationError

from kette_provider_gateway.contacts.port import (
    Contact,
    ContactDenied,
    Denial,
    IntakeUnreachable,
)

log = structlog.get_logger(__name__)
_DENIALS = {403: Denial.NO_CONSENT, 404: Denial.NOT_FOUND, 410: Denial.ERASED}


class HttpIntakeContacts:
    """One short-lived client per call: claim checks are rare, and no connection outlives
    the event loop that opened it."""

    def __init__(
        self,
        base_url: str,
        token: SecretStr | None,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._transport = transport

    async def contact(self, participant_id: str, provider_id: str, referral_id: str) -> Contact:
        """Intake's 403/404/410 are denials; anything else but 200 means intake is not usable."""
        if self._token is None:
            log.error("gateway.intake_not_configured")
            raise IntakeUnreachable("no intake token configured")
        url = f"{self._base_url}/internal/participants/{quote(participant_id, safe='')}/contact"
        params = {"provider_id": provider_id, "referral_id": referral_id}
        headers = {"Authorization": f"Bearer {self._token.get_secret_value()}"}
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=self._timeout) as http:
                answer = await http.get(url, params=params, headers=headers)
        except httpx.HTTPError as error:
            log.warning("gateway.intake_unreachable", error=type(error).__name__)
            raise IntakeUnreachable(type(error).__name__) from None
        if answer.status_code in _DENIALS:
            raise ContactDenied(_DENIALS[answer.status_code])
        if answer.status_code != 200:
            log.error("gateway.intake_refused_the_gateway", status=answer.status_code)
            raise IntakeUnreachable(f"intake answered {answer.status_code}")
        try:
            return Contact.model_validate_json(answer.content)
        except ValidationError:
            log.error("gateway.intake_answer_unreadable")
            raise IntakeUnreachable("intake's answer is not a contact") from None
