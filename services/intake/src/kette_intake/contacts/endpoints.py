"""HTTP edge of the claim check: the gateway's token, parse, call ContactService once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import SecretStr

from kette_intake.contacts.auth import gateway_only
from kette_intake.contacts.schemas import ContactDetails, ProviderIdParam, ReferralIdParam
from kette_intake.errors import ErrorBody, Responses
from kette_intake.wiring import Intake, intake

_REFUSALS: Responses = {
    401: {"model": ErrorBody, "description": "Not the provider gateway's service token."},
    403: {"model": ErrorBody, "description": "No standing consent to share with providers."},
    404: {"model": ErrorBody, "description": "No such participant."},
    410: {"model": ErrorBody, "description": "The participant was erased."},
    422: {"model": ErrorBody, "description": "A parameter is missing or invalid."},
}


def router(gateway_token: SecretStr | None) -> APIRouter:
    """Service-to-service routes, open only to the provider gateway's token."""
    routes = APIRouter(
        prefix="/internal",
        tags=["provider gateway"],
        dependencies=[Depends(gateway_only(gateway_token))],
    )

    @routes.get("/participants/{participant_id}/contact", responses=_REFUSALS)
    async def contact(
        participant_id: str,
        referral_id: Annotated[ReferralIdParam, Query(description="The provider's referral.")],
        provider_id: Annotated[ProviderIdParam, Query(description="Who asks, via the gateway.")],
        parts: Annotated[Intake, Depends(intake)],
    ) -> ContactDetails:
        """The contact for a referral the gateway checked; the read is an access event."""
        return await parts.contacts.contact(participant_id, provider_id, referral_id)

    return routes
