"""The provider gateway as a caller: one shared service token, no account, no JWT."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr

from kette_intake.errors import Refused

_SERVICE_TOKEN = HTTPBearer(
    scheme_name="GatewayServiceToken",
    description="The provider gateway's service token (KETTE_GATEWAY_TOKEN).",
    auto_error=False,
)


def gateway_only(token: SecretStr | None) -> Callable[..., None]:
    """A dependency letting only the configured gateway token through (constant time);
    unset, nobody passes, so a caseworker's token never reaches contact details."""

    def gateway(
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_SERVICE_TOKEN)],
    ) -> None:
        expected = token.get_secret_value() if token is not None else ""
        given = bearer.credentials if bearer is not None else ""
        if not expected or not given or not hmac.compare_digest(given, expected):
            raise Refused.one(401, "Authorization", "only the provider gateway's token")

    return gateway
