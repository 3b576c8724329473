"""Logging in through intake's POST /api/token: its accounts, argon2 hashes and throttle."""

from __future__ import annotations

import httpx

_UNREACHABLE = "Die Anmeldung ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."


class LoginFailed(Exception):
    """Intake refused or did not answer: the field and the German message for the form."""

    def __init__(self, status: int, field: str, message_de: str) -> None:
        super().__init__(f"{field}: {message_de}")
        self.status = status
        self.field = field
        self.message_de = message_de


class IntakeLogin:
    """Trades a username and password for intake's signed token; reporting stores no password."""

    def __init__(self, intake_url: str | None, transport: httpx.AsyncBaseTransport | None = None):
        self._url = intake_url.rstrip("/") if intake_url else None
        self._transport = transport

    async def token(self, username: str, password: str) -> str:
        """Intake's token for these credentials; LoginFailed otherwise."""
        if self._url is None:
            raise LoginFailed(503, "username", "Die Anmeldung ist nicht eingerichtet.")
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=10) as client:
                answer = await client.post(
                    f"{self._url}/api/token", json={"username": username, "password": password}
                )
        except httpx.HTTPError:
            raise LoginFailed(503, "username", _UNREACHABLE) from None
        if answer.status_code == 200:
            return str(answer.json()["access_token"])
        if answer.status_code == 429:
            raise LoginFailed(
                429,
                "username",
                "Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es später erneut.",
            )
        if answer.status_code in (401, 422):
            raise LoginFailed(400, "password", "Benutzername oder Passwort ist falsch.")
        raise LoginFailed(503, "username", _UNREACHABLE)
