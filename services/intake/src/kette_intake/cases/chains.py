"""The chain behind a lazy Temporal connection: a missing or slow Temporal is a clear 503."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from kette_intake.cases.problems import CaseRefused, chain_unavailable, not_found
from kette_workflows.api import ChainClient, ChainNotFound

ChainSource = Callable[[], Awaitable[ChainClient]]
"""Gives the ChainClient, connecting first if needed (tests hand in a fake)."""

_UNAVAILABLE = frozenset(
    {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED}
)


def chains_of(
    connect: Callable[[], Awaitable[Client]], connect_seconds: float = 5.0
) -> ChainSource:
    """A ChainSource over a (lazily connecting) Temporal client; a hanging connect is bounded."""

    async def source() -> ChainClient:
        try:
            async with asyncio.timeout(connect_seconds):
                client = await connect()
        except (RuntimeError, TimeoutError) as error:  # temporalio's "Failed client connect"
            raise chain_unavailable() from error
        return ChainClient(client)

    return source


@asynccontextmanager
async def reaching(participant_id: str | None, seconds: float) -> AsyncIterator[None]:
    """Bound one call in time and say what went wrong in the caller's terms."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except ChainNotFound:
        raise not_found(participant_id or "") from None
    except TimeoutError:
        raise chain_unavailable() from None
    except RPCError as error:
        if error.status in _UNAVAILABLE:
            raise chain_unavailable() from None
        if error.status == RPCStatusCode.NOT_FOUND and participant_id is not None:
            raise not_found(participant_id) from None
        if error.status == RPCStatusCode.FAILED_PRECONDITION:
            raise CaseRefused.one(
                409,
                "status",
                "the chain finished while the request was made; nothing changed",
                "Der Fall wurde gerade abgeschlossen; es wurde nichts geändert.",
            ) from None
        raise
