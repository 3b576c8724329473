"""GET /api/v1/referrals/{referral_id}/contact: parse, call fetch_contact once, answer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_provider_gateway.auth import ProviderAuth
from kette_provider_gateway.contacts.port import IntakeContacts
from kette_provider_gateway.contacts.service import ReferralContact, fetch_contact
from kette_provider_gateway.problems import Problem

_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": dict[str, list[Problem]], "description": text}
    for status, text in {
        401: "No valid API key (`invalid_api_key`).",
        403: "The participant has not consented to sharing with providers, or withdrew "
        "(`no_consent`).",
        404: "No referral with this id was sent to the calling provider (`referral_not_found`).",
        409: "The referral is no longer open: rejected, withdrawn, dropped out or completed "
        "(`referral_not_active`).",
        410: "The participant's data was erased (`participant_erased`).",
        503: "Intake cannot be asked now (`intake_unavailable`); retry after `Retry-After` "
        "seconds.",
    }.items()
}
_REFUSALS[503]["headers"] = {
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
}


def contacts_router(
    sessions: async_sessionmaker[AsyncSession],
    calling_provider: ProviderAuth,
    intake: IntakeContacts,
    retry_after: int,
) -> APIRouter:
    """The claim check, authenticated by the provider's API key like the reports."""
    router = APIRouter(prefix="/api/v1", tags=["provider API"])

    @router.get(
        "/referrals/{referral_id}/contact", response_model=ReferralContact, responses=_REFUSALS
    )
    async def referral_contact(
        referral_id: str, provider_id: str = Depends(calling_provider)
    ) -> ReferralContact:
        """Contact details of the participant of your open referral; every read is recorded."""
        return await fetch_contact(sessions, intake, provider_id, referral_id, retry_after)

    return router
