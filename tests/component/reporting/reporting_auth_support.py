"""Real tokens for reporting's tests: signed by intake's own signer with a per-run secret."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.app import new_key
from kette_intake.auth.principal import Principal
from kette_intake.auth.tokens import TokenSigner
from kette_reporting.app import Reporting
from kette_reporting.auth.session import COOKIE, SessionCookies

TOKEN_SECRET = new_key()
"""Base64, as KETTE_TOKEN_SECRET is configured."""


def bearer(
    role: ActorRole,
    kommunen: tuple[str, ...] = (),
    secret: str = TOKEN_SECRET,
    issued: datetime | None = None,
) -> dict[str, str]:
    """The Authorization header of a token intake would issue for that role and scope."""
    signer = TokenSigner(base64.b64decode(secret), timedelta(minutes=30))
    principal = Principal(actor_id=f"{role.value}-1", role=role, kommunen=kommunen)
    return {"Authorization": f"Bearer {signer.issue(principal, issued or datetime.now(UTC))}"}


def coordinator() -> dict[str, str]:
    """A coordinator of the whole KI (no Kommunen named), with a token made now: one made at
    import would expire 30 minutes later, before a long test run reached its user."""
    return bearer(ActorRole.COORDINATOR)


def signed_in_cookie(reporting: Reporting, headers: dict[str, str]) -> dict[str, str]:
    """The dashboard cookie a login with that token would have set."""
    token = headers["Authorization"].removeprefix("Bearer ")
    return {COOKIE: reporting.access.cookies.encode(SessionCookies.signed_in(token))}
